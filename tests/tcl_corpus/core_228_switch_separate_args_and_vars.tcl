set x 2
switch $x 1 {puts one} 2 {puts two} default {puts other}
switch -regexp -matchvar m abc {(b)(c) {puts "match: $m"}}
switch -regexp -indexvar m abc {b {puts "index: $m"}}
puts [switch a {default {set r d} a {set r a}}]
