proc bylen {a b} {expr {[string length $a] - [string length $b]}}
puts [lsort -command bylen {ccc a bb dddd e}]
puts [lsort -command bylen -decreasing {ccc a bb dddd e}]
puts [lsort -command {string compare} {b c a}]
set calls {}
proc cmp {a b} {lappend ::calls "$a$b"; expr {$a < $b ? -1 : $a > $b}}
puts [lsort -command cmp {3 1 2 5 4}]
puts $calls
