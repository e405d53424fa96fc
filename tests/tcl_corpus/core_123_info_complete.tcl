puts [info complete "set x {"]
puts [info complete "set x {}"]
puts [info complete {puts [a}]
puts [info complete "puts \"a"]
