puts [expr {3 > 2 > 1}]
puts [expr {1 < 2 == 1}]
