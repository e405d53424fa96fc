puts [expr {int(1e10)}]
puts [expr {round(1e10+0.5)}]
