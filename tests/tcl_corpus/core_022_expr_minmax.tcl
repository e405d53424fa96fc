puts [expr {min(3,1,2)}]
puts [expr {max(1,2.5)}]
puts [expr {max(7,2)}]
