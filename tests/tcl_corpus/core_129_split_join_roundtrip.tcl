set csv "1,2,3"
set total 0
foreach n [split $csv ,] { incr total $n }
puts $total
