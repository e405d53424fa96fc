set x 1
puts [info exists x]
puts [info exists nosuch]
array set a {k v}
puts [info exists a(k)]
puts [info exists a(q)]
