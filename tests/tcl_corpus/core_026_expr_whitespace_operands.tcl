set a " 3 "
puts [expr {$a + 1}]
