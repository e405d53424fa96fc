foreach c {
 {regexp {(} x}
 {regexp {[a} x}
 {regexp {*a} x}
 {regexp {a**} x}
 {regexp {\q} x}
 {regexp -foo a a}
 {regexp -al a aaa}
 {regexp}
 {regexp -inline {b} abc x}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
