proc fact {n} { if {$n <= 1} { return 1 }; expr {$n * [fact [expr {$n-1}]]} }
puts [fact 10]
puts [fact 20]
