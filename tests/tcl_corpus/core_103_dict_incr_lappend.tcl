set d {}
dict incr d x
dict incr d x 5
dict lappend d l a b
puts $d
