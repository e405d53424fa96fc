puts [lrepeat 3 a b]
puts [lrepeat 0 a]
puts [lreverse {1 2 3}]
puts [lreverse {}]
puts [catch {lrepeat -1 a} m]$m
puts [catch {lrepeat x a} m]$m
puts [llength [lrepeat 4 {a b}]]
