puts [catch {error oops} m]
puts $m
puts [catch {return -code break} m]
puts [catch {break}]
puts [catch {continue}]
puts [catch {set x 1} m]
puts $m
