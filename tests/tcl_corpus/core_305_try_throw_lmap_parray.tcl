puts [try {expr {1+1}}]
puts [try {error boom} on error {m} {set r "caught $m"}]
puts [try {error boom} on error {m o} {dict get $o -code}]
puts [try {set x 1} on ok {r} {set r "ok $r"}]
puts [try {throw {MY ERR} msg} trap {MY} {m o} {list trapped $m [dict get $o -errorcode]}]
puts [catch {try {throw {A B} msg} trap {C} {} {set r no}} m]$m
puts [try {error x} on error {} {set r1 a} finally {set fin 1}]$fin
puts [catch {try {set ok 1} finally {error "in finally"}} m]$m
puts [catch {try {error first} finally {set z 1}} m]$m$z
foreach i {1 2 3} {try {if {$i == 2} continue; puts i$i} on continue {} {puts skip$i}}
puts [catch {try {error a} on error {m} {error "handler $m"}} m]$m
puts [catch {throw {} x} m]$m
puts [catch {try} m]$m
puts [catch {try {} foo} m]$m
puts [lmap x {1 2 3} {expr {$x * 2}}]
puts [lmap {a b} {1 2 3 4} {list $b $a}]
puts [lmap x {1 2 3 4 5} {if {$x == 2} continue; if {$x == 4} break; set x}]
puts [lmap x {} {set x}]
array set arr {b 2 a 1 longname 3}
parray arr
parray arr l*
puts [catch {parray nosuch} m]$m
