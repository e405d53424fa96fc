set l {}
for {set i 0} {$i < 2000} {incr i} {lappend l [expr {$i * 0.5}] "w $i"}
puts [llength $l]
puts [lrange $l 0 5]
puts [lindex $l end]
puts [expr {[lindex $l 1998] * 2}]
set total 0.0
foreach {v w} $l {set total [expr {$total + $v}]}
puts $total
