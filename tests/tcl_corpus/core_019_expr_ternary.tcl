puts [expr {1 ? "a" : "b"}]
puts [expr {0 ? "a" : 1 ? "c" : "d"}]
