proc up {name} {upvar $name v; set v changed}
set q orig; up q; puts $q
proc up2 {} {upvar 1 arr a; set a(k) 9}
up2; puts $arr(k)
proc up3 {} {upvar #0 gv local; set local global_set}
up3; puts $gv
proc mk {} {upvar 1 newvar n; set n created}
mk; puts $newvar
proc two {} {set x 1; one; return $x}
proc one {} {upvar x y; incr y 10}
puts [two]
proc elem {} {upvar 1 arr(k) e; return $e}
puts [elem]
