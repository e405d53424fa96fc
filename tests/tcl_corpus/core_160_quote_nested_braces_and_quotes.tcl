set s {a {b {c}} "d"}
puts $s
puts [llength $s]
puts [lindex $s 1]
puts [lindex [lindex $s 1] 1]
puts [lindex $s 2]
