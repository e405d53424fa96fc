proc f {n} {f [incr n]}
puts [catch {f 0} m]
puts $m
proc g {n} {if {$n == 0} {return 0}; expr {1 + [g [expr {$n-1}]]}}
puts [g 500]
