set a " 3 "
puts [expr {$a + 1}]
set b 0x1F
puts [expr {$b + 1}]
set c 1e3
puts [expr {$c + 1}]
set d 007
puts [expr {$d + 1}]
puts [expr {"1" + "2"}]
