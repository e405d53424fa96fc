puts [expr {max(abs(-5), min(3, 8))}]
puts [expr {round(sqrt(2)*100)}]
