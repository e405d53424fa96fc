proc loc {} { set a(1) x; set a(2) y; return [lsort [array names a]] }
puts [loc]
