set s 0
for {set i 1} {$i <= 10} {incr i} { set s [expr {$s + $i*$i}] }
puts $s
