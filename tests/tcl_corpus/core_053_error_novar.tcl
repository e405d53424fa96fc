puts [catch {set undefined} m]
puts $m
puts [catch {set arr2(x) 1; set arr2(y)} m]
puts $m
