puts [catch {nosuchcommand} m]
puts $m
