set x [expr {1.0/7}]
puts $x
puts [expr {$x * 7}]
