puts [scan "1 2 3" "%d %d %d" a b c]
puts [expr {$a+$b+$c}]
