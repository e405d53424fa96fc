set cfg {name net rate 0.1}
dict with cfg {set rate 0.2}
puts $cfg
dict update cfg name n {set n renamed}
puts $cfg
puts [catch {dict get {a 1} z} m]$m
puts [catch {dict create a} m]$m
puts [catch {dict foo} m]$m
puts [catch {dict get "a"} m]$m
