puts [expr {- -3}]
puts [expr {+3}]
puts [expr {!!5}]
puts [expr {~0}]
