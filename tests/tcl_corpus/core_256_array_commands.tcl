array set a {x 1 y 2 z 3}
puts [lsort [array names a]]
puts [array size a]
puts [array exists a][array exists nosuch]
puts [lsort [array names a {[xy]}]]
puts [array get a x]
array unset a x
puts [lsort [array names a]]
array unset a
puts [array exists a]
set b(1) one; set b(2) two
foreach k [lsort [array names b]] {puts "$k=$b($k)"}
puts <[array names nosuch]><[array size nosuch]>
array set e {}
puts [array exists e]
