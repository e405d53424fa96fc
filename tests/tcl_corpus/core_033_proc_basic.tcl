proc sq {x} { expr {$x*$x} }
puts [sq 7]
