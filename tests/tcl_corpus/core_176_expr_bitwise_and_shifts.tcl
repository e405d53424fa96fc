puts [expr {5 & 3}]
puts [expr {5 | 3}]
puts [expr {5 ^ 3}]
puts [expr {~5}]
puts [expr {1 << 3}]
puts [expr {-16 >> 2}]
puts [expr {1 << 64}]
puts [expr {0x10 + 010 + 0o10 + 0b101}]
puts [catch {expr {1 << -1}} m]$m
