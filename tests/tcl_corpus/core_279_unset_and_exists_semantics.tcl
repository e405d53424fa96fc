set a 1
unset a
puts [info exists a]
set b(1) x
set b(2) y
unset b(1)
puts [array names b]
unset -nocomplain b nosuch1 nosuch2
puts [info exists b]
set c 1; set d 2
unset c d
puts [info exists c][info exists d]
puts [catch {unset c} m]$m
