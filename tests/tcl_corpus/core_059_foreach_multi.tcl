foreach {a b} {1 2 3 4 5} { puts "$a-$b" }
foreach x {a b} y {1 2 3} { puts "$x$y" }
