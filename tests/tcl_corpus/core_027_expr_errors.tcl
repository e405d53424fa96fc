puts [catch {expr {1/0}} m] 
puts $m
puts [catch {expr {"a"+1}} m]
puts $m
puts [catch {expr {""+1}} m]
puts $m
puts [catch {expr {1.5 % 2}} m]
puts $m
