puts [expr 1.0/3]
set tcl_precision 12
puts [expr 1.0/3]
set tcl_precision 0
puts [expr 1.0/3]
puts [expr 0.1+0.2]
