set a 1
puts a"b
puts a{b
puts [list a"b c{d]
puts "a{b"
puts [set a$ 3]
puts ${a$}
puts "a]b"
puts {a]b}
puts [list \]]
set x "["
puts $x
