proc ul {} {uplevel {set fromup 5}}
ul; puts $fromup
proc ul2 {} {uplevel #0 {set g2 7}}
ul2; puts $g2
proc a1 {} {set x 1; a2; return $x}
proc a2 {} {uplevel 1 {incr x 10}}
puts [a1]
proc a3 {} {uplevel 1 set y 3}
a3; puts $y
proc lvl {} {return [info level]}
puts [lvl]
proc lvl0 {x} {return [info level 0]}
puts [lvl0 abc]
proc outer {} {inner}
proc inner {} {return [info level -1]}
puts [outer]
puts [catch {uplevel 5 {set a}} m]$m
