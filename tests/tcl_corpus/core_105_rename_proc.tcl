proc old {} { return old }
rename old new
puts [new]
puts [catch {old} m]
puts $m
