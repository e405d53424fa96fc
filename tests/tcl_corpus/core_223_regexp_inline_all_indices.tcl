puts [regexp -inline {\S+} "  word  "]
puts [regexp -inline -all {\S+} "a bb  ccc"]
puts [regexp -inline -all -indices {\S+} "a bb  ccc"]
puts [regexp -inline -all {(a)(b)?} {ab a}]
puts [regexp -indices -inline {(a)(x)?} {ba}]
puts [regexp -all {a} banana]
puts [regexp -all {x*} abc]
puts [regexp -all -inline {x*} axb]
regexp -all -indices {a} banana m; puts $m
