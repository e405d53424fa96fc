set count(a) 0
set count(b) 0
foreach x {a b a a c} {
    if {[info exists count($x)]} {incr count($x)} else {set count($x) 1}
}
foreach k [lsort [array names count]] {puts "$k: $count($k)"}
set total 0
foreach {k v} [array get count] {incr total $v}
puts $total
