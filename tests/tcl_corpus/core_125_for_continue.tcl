for {set i 0} {$i < 6} {incr i} { if {$i % 2} continue; puts -nonewline $i }
puts ""
