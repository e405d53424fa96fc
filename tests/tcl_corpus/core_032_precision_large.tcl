puts [expr 1e15*1]
puts [expr 1e16*1]
puts [expr 1e17*1]
puts [expr 3.0e100*1]
