proc two {} { return 2 }
puts [expr {[two] * [two] + 1}]
