foreach k {input hidden output bias context unit1 unit2 unit10 w(1) x,y} {set a($k) 1}
puts [array names a]
puts [array get a]
array set b [array get a]
puts [array names b]
for {set i 0} {$i < 40} {incr i} {set big(k$i) $i}
puts [array names big]
puts [array names big k1*]
