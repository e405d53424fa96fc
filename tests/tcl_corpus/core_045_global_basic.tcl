set counter 0
proc bump {} { global counter; incr counter }
bump; bump
puts $counter
