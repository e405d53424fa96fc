foreach i {1 2 3} { foreach j {a b c} { if {$j eq "b"} break; puts $i$j } }
