proc mk {name val} { upvar 1 $name v; set v $val }
mk newone 17
puts $newone
