set d [dict create a 1 b 2]
puts $d
puts [dict get $d a]
dict set d c 3
dict set d a 10
puts $d
puts [dict exists $d a][dict exists $d q]
puts [dict keys $d]
puts [dict values $d]
puts [dict size $d]
dict unset d b
puts $d
dict incr d a
dict incr d new 5
dict lappend d lst x y
dict append d s abc
puts $d
