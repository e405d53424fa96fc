proc f {a {b 2} args} {return $a}
puts [info args f]
puts [info body f]
puts [info default f b v]$v
puts [info default f a v]<$v>
puts [catch {info default f z v} m]$m
puts [catch {info args nosuch} m]$m
puts [info procs f]
proc g {} {}
proc h {} {}
puts [lsort [info procs {[fgh]}]]
puts [info exists undefined_thing]
puts [llength [info commands set]]
puts [lsort [info commands lr*]]
