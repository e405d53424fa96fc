set i 5
incr i
incr i 10
incr i -3
puts $i
puts [incr newvar]
