set l [list "a\nb" c]
puts [llength $l]
