set sum 0
for {set i 1} {$i <= 10} {incr i} {
    set sum [expr {$sum + 1.0/$i}]
}
puts $sum
puts [format %.10f $sum]
set err {}
foreach v {0.1 0.2 0.3} {lappend err [expr {$v * $v}]}
puts $err
set total 0.0
foreach e $err {set total [expr {$total + $e}]}
puts $total
