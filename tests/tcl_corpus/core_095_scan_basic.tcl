puts [scan "42 abc" "%d %s"]
scan "3.5 7" "%f %d" a b
puts "$a $b"
puts [scan "x=10" "x=%d" v]
puts $v
puts [scan "ff" %x]
puts [scan "A" %c]
