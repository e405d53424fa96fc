proc fact {n} {if {$n <= 1} {return 1}; expr {$n * [fact [expr {$n-1}]]}}
puts [fact 20]
puts [fact 25]
proc r3 {} {return -level 2 val}
proc r4 {} {r3; return no}
puts [r4]
proc ret {} {return -code error "custom"}
puts [catch ret m]$m
proc ret2 {} {return -code break}
puts [catch {foreach i {1 2} {ret2; puts no}} m]$m
proc empty {} {}
puts <[empty]>
