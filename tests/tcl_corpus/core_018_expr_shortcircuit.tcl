set n 0
expr {0 && [incr n]}
expr {1 || [incr n]}
puts $n
expr {1 ? 2 : [incr n]}
puts $n
