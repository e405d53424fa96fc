puts [expr {1/0.0}]
puts [expr {-1/0.0}]
