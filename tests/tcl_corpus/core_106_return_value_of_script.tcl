proc r {} { set x 5 }
puts [r]
proc empty {} {}
puts "<[empty]>"
