proc lastval {} {set a 5}
puts [lastval]
rename lastval lv
puts [lv]
puts [catch {lastval} m]$m
rename lv {}
puts <[info procs lv]>
puts [catch {rename nosuch x} m]$m
proc a {} {return 1}
proc b {} {return 2}
puts [catch {rename a b} m]$m
proc a {} {return redefined}
puts [a]
