set m {{1 2 3} {4 5 6}}
puts [lindex $m end end]
puts [lindex $m 0 end-1]
