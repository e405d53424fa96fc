puts [catch {set nosuchv} m]$m
puts [catch {puts $nosuchv} m]$m
puts [catch {expr {$nosuchv + 1}} m]$m
set arr(a) 1
puts [catch {set arr(b)} m]$m
puts [catch {set arr} m]$m
puts [catch {puts "$arr(zz)"} m]$m
set sc 1
puts [catch {set sc(x)} m]$m
proc p {} {return $undefinedlocal}
puts [catch p m]$m
