set l {}
lappend l a {b c}
lappend l d
puts $l
lset l 1 X
puts $l
set m {{1 2} {3 4}}
lset m 1 0 Z
puts $m
