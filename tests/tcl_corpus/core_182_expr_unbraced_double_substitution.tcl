set a {1 + 2}
puts [expr $a * 2]
puts [expr {$a} eq {"1 + 2"}]
set op *
puts [expr 3 $op 4]
puts [expr "2" + "3"]
