puts [catch {set tcl_precision 18} m]$m
puts [catch {set tcl_precision abc} m]$m
puts $tcl_precision
puts [expr {2.0/3}]
