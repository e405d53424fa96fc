set x [expr {1.0/7}]
puts $x
puts [expr {$x * 7}]
append x ""
puts [expr {$x * 7}]
set l [list [expr {1.0/3}] [expr {2.0/3}]]
puts $l
puts [expr {[lindex $l 0] * 3}]
foreach v $l {puts [expr {$v * 3}]}
