lassign {1 2 3} x y
puts "$x $y"
puts [lassign {1 2 3 4} a b]
puts [lrepeat 3 a b]
puts [lreverse {1 2 3}]
