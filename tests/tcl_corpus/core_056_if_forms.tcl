if {1} {puts a}
if 0 {puts b} else {puts c}
if {0} {puts d} elseif {1} {puts e}
if {0} then {puts f} else {puts g}
set v [if {1} {expr 5}]
puts $v
