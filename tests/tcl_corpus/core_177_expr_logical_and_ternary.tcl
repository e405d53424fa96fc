puts [expr {true && yes}]
puts [expr {!0}]
puts [expr {!!3}]
puts [expr {0 || off}]
puts [expr {1 ? "a" : "b"}]
puts [expr {0.0 ? 1 : 2}]
set x 0
puts [expr {$x != 0 && 10 / $x > 1}]
puts [expr {$x == 0 || [error never]}]
