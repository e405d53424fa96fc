puts [string compare 10 9]
puts [expr {10 > 9}]
