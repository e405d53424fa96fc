foreach c {
 {expr {(1.5 | 2) << 1.5}}
 {expr {1.5 << (2 | 1.5)}}
 {expr {"a" + ("b" * 2)}}
 {expr {("x" - 1) / 0}}
 {expr {(1/0) + "x"}}
 {expr {[nosuch] + "x"}}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
