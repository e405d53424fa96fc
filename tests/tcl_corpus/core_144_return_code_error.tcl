proc rc {} { return -code error "custom" }
puts [catch rc m]
puts $m
