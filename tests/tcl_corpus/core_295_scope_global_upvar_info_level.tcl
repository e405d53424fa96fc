proc a {} {global gx; puts [info exists gx]; set gx 1; puts [info exists gx]}
a; puts $gx
proc b {} {global gx; unset gx}
b; puts [info exists gx]
proc c {} {upvar #0 garr arr; set arr(1) one; array size arr}
puts [c]; puts [array get garr]
proc d {} {global garr; return [info exists garr(1)]}
puts [d]
proc e {} {set ::ns_var 5; return $::ns_var}
puts [e]$ns_var
proc f {} {global a1 a2; set a1 x; set a2 y; lsort [info vars]}
puts [f]
proc g {} {set local 1; lsort [info locals]}
puts [g]
proc h {n} {if {$n > 0} {return [h [expr {$n - 1}]]}; return [info level]}
puts [h 3]
proc i {} {uplevel 1 {info level}}
puts [i]
proc j {} {k}
proc k {} {uplevel 2 {info level}}
puts [j]
proc l {} {info level 1}
puts [l]
proc m {x} {n}
proc n {} {info level -1}
puts [m 5]
puts [catch {proc o {} {info level 5}; o} msg]$msg
proc p {} {global undefinedglob; set r [info exists undefinedglob]; return $r}
puts [p]
proc q {} {upvar 1 notyet v; set v made; return}
q; puts $notyet
proc r {} {upvar 1 gx2 v; info exists v}
puts [r]
set gx2 1
puts [r]
proc s {} {global gvar; lappend gvar a; lappend gvar b}
s; s; puts $gvar
proc t {} {global arr2; array set arr2 {k v}}
t; puts [array get arr2]
proc u {} {global garr; foreach k [array names garr] {lappend out $k $garr($k)}; return $out}
puts [u]
puts [info globals nosuchpattern*]
set cnt 0
proc v {} {incr ::cnt}
v; v; puts $cnt
