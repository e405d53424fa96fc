puts [linsert {a b c} 1 X Y]
puts [linsert {a b c} end Z]
puts [lreplace {a b c d} 1 2 X]
puts [lreplace {a b c d} 1 1]
