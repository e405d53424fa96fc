foreach {a b} {7 2 -7 2 7 -2 -7 -2 0 3} {
    puts "$a/$b=[expr {$a / $b}] $a%$b=[expr {$a % $b}]"
}
