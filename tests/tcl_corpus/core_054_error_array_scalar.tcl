set sc 1
puts [catch {set sc(x) 1} m]
puts $m
array set ar {a 1}
puts [catch {set ar 1} m]
puts $m
