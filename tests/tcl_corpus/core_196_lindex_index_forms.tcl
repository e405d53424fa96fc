set l {a b c d e}
foreach i {0 end end-1 10 -1 1+1 end-0 end+1 3-1} {puts "$i -> <[lindex $l $i]>"}
puts [lindex {{a b} {c d}} 1 0]
puts [lindex {{a b} {c d}} {1 1}]
puts [lindex $l]
puts [catch {lindex $l x} m]$m
