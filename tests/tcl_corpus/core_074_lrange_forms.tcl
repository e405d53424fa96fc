puts [lrange {a b c d e} 1 3]
puts [lrange {a b c d e} 2 end]
puts [lrange {a b c} 2 1]
