set {odd name} 3
puts ${odd name}
set {} empty
puts ${}
set x.y dotted
puts ${x.y}
set a 1
puts ${a}b
puts $a.b
