set l {3 1 4 1 5 9 2 6}
set i 0
set found -1
while {$i < [llength $l] && $found < 0} {
    if {[lindex $l $i] > 4} {set found $i}
    incr i
}
puts "$found $i"
set n 27
set steps 0
while {$n != 1} {
    set n [expr {$n % 2 ? 3 * $n + 1 : $n / 2}]
    incr steps
}
puts $steps
