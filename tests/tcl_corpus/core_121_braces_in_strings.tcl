set s "a {b} c"
puts [llength $s]
puts [lindex $s 1]
