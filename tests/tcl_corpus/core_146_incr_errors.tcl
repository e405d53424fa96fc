set notnum abc
puts [catch {incr notnum} m]
puts $m
