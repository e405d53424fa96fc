foreach c {
 {lsearch {a b c}}
 {lsearch -in {a b} a}
 {lsearch -foo {a} a}
 {lsearch -start x {a} a}
 {lsearch -subindices {a b} b}
 {lsearch -index 1 {{a 1} {b}} 2}
 {lsearch -exact -integer {1 a 3} 3}
 {lsearch -regexp {a b} (}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
