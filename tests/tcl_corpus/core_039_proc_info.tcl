proc p {x {y 2} args} { return $x }
puts [info args p]
puts [info body p]
puts [info default p y v]
puts $v
puts [info procs p]
