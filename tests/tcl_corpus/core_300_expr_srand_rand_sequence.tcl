puts [expr {srand(1)}]
puts [expr {rand()}]
puts [expr {rand()}]
expr {srand(12345)}
set l {}
for {set i 0} {$i < 5} {incr i} {lappend l [expr {int(rand() * 100)}]}
puts $l
