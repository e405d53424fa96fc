set i 0; while {$i < 3} {incr i}; puts $i
for {set i 0} {$i < 10} {incr i} {if {$i == 4} break}; puts $i
set s ""; for {set i 0} {$i < 5} {incr i} {if {$i % 2} continue; append s $i}; puts $s
foreach {a b} {1 2 3} {}; puts "<$a> <$b>"
foreach a {1 2} b {x y z} {lappend r $a$b}; puts $r
foreach a {} {}; puts [info exists a]
foreach x {1 2 3} {if {$x == 2} break}; puts $x
puts <[foreach x {1} {set x}]>
puts <[while 0 {}]>
