set arr(x) 1
set arr(y,z) 2
set k x
puts $arr($k)
puts $arr(y,z)
puts "$arr(x)-[set arr(y,z)]"
