catch {foreach x {1 2} {if {$x == 2} {nosuch $x}}}
puts $errorInfo
catch {eval {set y $zz}}
puts $errorInfo
catch {uplevel #0 {set nosuchvar}}
puts $errorInfo
catch {set a [expr {1/0}]}
puts $errorInfo
catch {list [list [nosuch]]}
puts $errorInfo
