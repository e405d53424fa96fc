for {set x 0.0} {$x < 1.0} {set x [expr {$x + 0.1}]} {lappend xs $x}
puts $xs
puts [llength $xs]
for {set i 10} {$i > 0} {incr i -3} {lappend is $i}
puts $is
