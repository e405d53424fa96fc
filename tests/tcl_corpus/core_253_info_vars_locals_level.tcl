proc vars {} {set a 1; set b 2; lsort [info vars]}
puts [vars]
proc locs {x} {set y 1; lsort [info locals]}
puts [locs 1]
proc lev {} {info level}
puts [lev]
puts [info level]
puts [info complete "set x \{"]
puts [info complete "set x \{\}"]
puts [info complete "puts \"a"]
puts [info complete "puts \[a"]
puts [info complete "puts a\\\n"]
puts [info tclversion]
