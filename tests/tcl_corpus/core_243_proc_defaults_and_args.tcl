proc f {a {b 2} args} {return "$a $b <$args>"}
puts [f 1]
puts [f 1 3]
puts [f 1 3 4 5]
proc k args {return [llength $args]}
puts [k][k a {b c}]
proc h {{a 1} b} {return $a$b}
puts [h 5 6]
proc deflist {{l {a b}}} {llength $l}
puts [deflist]
proc argsmid {args a} {list $args $a}
puts [argsmid 1 2]
