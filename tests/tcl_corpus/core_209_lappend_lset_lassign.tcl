set x {}
lappend x a {b c}
lappend x
puts $x
lset x 1 0 Q
puts $x
lset x end Z
puts $x
set y {1 2 3}
lset y 1 {}
puts $y
lset y {0} first
puts $y
lassign {1 2 3} p q
puts "$p $q"
puts [lassign {1 2 3} p]
lassign {1} r s
puts "<$r> <$s>"
puts [catch {lset y 5 x} m]$m
