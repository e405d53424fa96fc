puts -nonewline "a"
puts -nonewline stdout "b"
puts ""
puts stdout "c"
puts [catch {puts nosuchchan x} m]$m
puts [catch {puts a b c} m]$m
puts [catch {puts} m]$m
puts -nonewline "end\n"
