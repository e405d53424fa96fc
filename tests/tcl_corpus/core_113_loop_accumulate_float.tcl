set s 0.0
foreach v {0.1 0.2 0.3 0.4} { set s [expr {$s + $v}] }
puts $s
