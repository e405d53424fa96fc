puts [expr {sin(0)}]
puts [expr {cos(0)}]
puts [expr {tan(0.5)}]
puts [expr {atan(1)*4}]
