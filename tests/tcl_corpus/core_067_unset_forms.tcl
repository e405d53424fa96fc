set a 1
unset a
puts [info exists a]
puts [catch {unset a} m]
puts $m
unset -nocomplain a
puts ok
