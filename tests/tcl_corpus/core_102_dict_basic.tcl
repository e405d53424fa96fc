set d [dict create a 1 b 2]
puts [dict get $d a]
puts [dict size $d]
puts [dict keys $d]
puts [dict values $d]
puts [dict exists $d c]
dict set d c 3
puts $d
