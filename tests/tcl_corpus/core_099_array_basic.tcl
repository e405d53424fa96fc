array set a {x 1 y 2 z 3}
puts [array size a]
puts [lsort [array names a]]
puts [array exists a]
puts [array exists nosuch]
puts [lsort [array names a {[xy]}]]
