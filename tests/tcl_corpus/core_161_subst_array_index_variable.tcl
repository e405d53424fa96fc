set arr(x) 1
set arr(2) two
set k x
set i 2
puts $arr($k)
puts "$arr($i)"
puts $arr([expr {$i}])
set arr(a\ b) spaced
puts $arr(a\ b)
set arr(a,b) comma
set j b
puts $arr(a,$j)
