puts [expr {-0.0}]
puts [expr {0.0*-1}]
