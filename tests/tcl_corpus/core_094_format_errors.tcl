puts [catch {format %d abc} m]
puts $m
puts [catch {format %d} m]
puts $m
