set l {
  one
  two three
}
puts [llength $l]
puts [lindex $l 1]
