puts [catch {error} m]$m
puts [catch {error msg} m]$m
puts [catch {error msg "" ""} m]<$m><$errorCode>
puts [catch {error msg info {A B C}} m]<$m><$errorCode><$errorInfo>
puts [catch {error [list a b]} m]<$m>
proc thrower {} {error "from proc" "" {PROC FAIL}}
puts [catch thrower m]<$m><$errorCode>
