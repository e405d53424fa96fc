set {a b} 3
puts ${a b}
set x 4
puts ${x}y
