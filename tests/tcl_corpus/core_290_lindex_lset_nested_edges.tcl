foreach c {
 {lindex {a {b {c d}}} 1 1 0}
 {lindex {a {b {c d}}} {1 1 5}}
 {lindex {a b} end-5}
 {lindex "a\{b c" 0}
 {lset nosuchlist 0 x}
 {set L {a {b c}}; lset L 1 1 Z; set L}
 {set L {a b}; lset L 2 c; set L}
 {set L {a b}; lset L 3 c}
 {set L {a b}; lset L end+1 c; set L}
 {set L {}; lset L {} x; set L}
 {set L {a b}; lset L -1 x}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
