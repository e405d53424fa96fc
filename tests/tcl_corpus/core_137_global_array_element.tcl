set g(a) 1
proc ga {} { global g; incr g(a) }
ga
puts $g(a)
