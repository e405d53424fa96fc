# lappend grows a list that other values share: each keeps its own elements
set l {a b}
set keep $l
lappend l c
lappend l d
puts "$keep | $l | [llength $keep] [llength $l]"
set m {1 2 3}
foreach x $m {lappend m [expr {$x * 10}]}
puts $m
set k $m
lappend m z
lappend k y
puts "$m | $k | [lindex $keep end]"
proc grow {v} {lappend v tail; return $v}
set base [list x {y z}]
set grown [grow $base]
lappend base other
puts "$base | $grown | [llength $base] [llength $grown]"
set n {}
for {set i 0} {$i < 500} {incr i} {lappend n $i; if {$i == 250} {set half $n}}
puts "[llength $n] [llength $half] [lindex $half end] [lindex $n end]"
lappend half again
puts "[llength $n] [llength $half] [lindex $n 251] [lindex $half 251]"
