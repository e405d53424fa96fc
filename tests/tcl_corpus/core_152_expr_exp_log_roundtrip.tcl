puts [expr {exp(log(5))}]
puts [expr {log(exp(2))}]
