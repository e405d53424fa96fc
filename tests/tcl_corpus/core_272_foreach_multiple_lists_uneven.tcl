foreach {a b c} {1 2 3 4 5} {puts "<$a> <$b> <$c>"}
foreach a {1 2 3} {b c} {x y} {puts "$a/$b/$c"}
set i 0
foreach x {a b c d} {
    if {$x eq "b"} continue
    if {$x eq "d"} break
    incr i
}
puts $i
