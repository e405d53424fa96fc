puts [expr {100.0/3}]
puts [expr {2.0/3*1000000}]
puts [expr {1/3.0*1e-6}]
