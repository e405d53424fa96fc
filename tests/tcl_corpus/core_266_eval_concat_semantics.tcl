set cmd [list puts "a b"]
eval $cmd
eval puts {"c d"}
eval [list set v 1]
puts $v
puts [eval list a {b c} {{d e}}]
puts [eval {expr 1+2}]
set args {x y}
puts [eval list $args]
