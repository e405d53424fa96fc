set x [expr {1.0/3}]
puts $x
set y "$x"
puts [expr {$y * 3}]
set z [set x]
puts [expr {$z * 3}]
puts [expr {"$x" * 3}]
