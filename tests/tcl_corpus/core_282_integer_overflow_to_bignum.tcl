set x 9223372036854775807
puts [expr {$x + 1}]
puts [expr {$x * 2}]
puts [expr {-$x - 2}]
puts [expr {2**100}]
puts [expr {(2**100) % 7}]
puts [expr {10**20 / 3}]
puts [format %d [expr {2**40}]]
incr x
puts $x
