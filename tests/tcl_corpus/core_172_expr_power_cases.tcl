puts [expr {2**-1}]
puts [expr {2.0**0.5}]
puts [expr {(-2)**3}]
puts [expr {-2**2}]
puts [expr {2**3**2}]
puts [expr {0**0}]
puts [expr {pow(2,10)}]
puts [catch {expr {0**-1}} m]$m
