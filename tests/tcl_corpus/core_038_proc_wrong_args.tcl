proc two {a b} {}
puts [catch {two 1} m]
puts $m
proc opt {a {b 1} args} {}
puts [catch {opt} m]
puts $m
