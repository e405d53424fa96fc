set a 010
set b 1e2
puts [expr {$b + 1}]
puts [expr {"0x1F" + 1}]
