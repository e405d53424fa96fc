set nd [dict create]
dict set nd outer inner 5
puts $nd
puts [dict get $nd outer inner]
puts [dict get {a {b {c 1}}} a b c]
puts [dict merge {a 1 b 2} {b 3 c 4}]
dict for {k v} {x 1 y 2} {puts "$k->$v"}
puts [dict filter {a 1 b 2 c 3} key {[ab]}]
puts [dict filter {a 1 b 2 c 3} value 2]
puts [dict keys {a 1 b 2 c 3} {[bc]}]
puts [dict create a 1 a 2]
puts [dict replace {a 1 b 2} b 3 c 4]
puts [dict remove {a 1 b 2 c 3} a c]
puts [dict map {k v} {a 1 b 2} {expr {$v * 2}}]
