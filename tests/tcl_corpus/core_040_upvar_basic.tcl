proc inc {varName} { upvar $varName v; incr v }
set c 5
inc c
puts $c
