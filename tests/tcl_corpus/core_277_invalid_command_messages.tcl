puts [catch {nosuchcommand 1 2} m]$m
puts [catch {[nosuch]} m]$m
puts [catch {{}} m]$m
puts [catch {"" a} m]$m
puts [catch {unknowncmd_xyz} m]<$m><$errorCode>
proc later {} {undefined_helper_xyz}
puts [catch later m]$m
