set i 0
while {1} { incr i; if {$i == 3} continue; if {$i > 5} break; puts $i }
