puts [catch {set} m]
puts $m
puts [catch {llength} m]
puts $m
puts [catch {incr} m]
puts $m
