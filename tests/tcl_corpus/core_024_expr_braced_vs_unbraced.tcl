set x 3
set y {$x}
puts [expr $x*2]
puts [expr {$x*2}]
