puts [catch {catch {error inner} m2; error "outer $m2"} m]
puts $m
