puts [regexp {c$} "abc\n"]
puts [regexp -line {c$} "abc\n"]
puts [regexp {a.c} "a\nc"]
puts [regexp -line {a.c} "a\nc"]
puts [regexp {^b} "a\nb"]
puts [regexp -line {^b} "a\nb"]
regexp {[^]]+} {ab]c} m; puts $m
regexp {[[:digit:]]+} {ab12c} m; puts $m
regexp {[[:alpha:]_]+} {__ab12c} m; puts $m
puts [regexp {\mfoo\M} {a foo b}][regexp {\mfoo\M} {a foobar b}]
puts [regexp -start 2 {a} "aXa"]
regexp -indices -start 2 {a} "aXa" m; puts $m
