set x [expr {1/3.0}]
set tcl_precision 0
puts "0: [expr {$x + 0}] [expr {$x * 0.3}] [expr {sqrt(2)}]"
set tcl_precision 6
puts "6: [expr {$x + 0}] [expr {$x * 0.3}] [expr {sqrt(3)}]"
set tcl_precision 12
puts "12: [expr {$x + 1}] [expr {$x * 0.7}] [expr {sqrt(5)}]"
set tcl_precision 17
puts "17: [expr {$x + 2}] [expr {$x * 0.9}] [expr {sqrt(6)}]"
set tcl_precision 8
puts [expr {$x / 3}]
