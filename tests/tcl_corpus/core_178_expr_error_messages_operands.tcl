foreach c {
 {expr {"x" * 2}}
 {expr {-"x"}}
 {expr {-""}}
 {expr {~1.5}}
 {expr {1.5 % 2}}
 {expr {"08" + 1}}
 {expr {1 && "x"}}
 {expr {"x" ? 1 : 2}}
 {expr {!"x"}}
 {expr {1/0}}
 {expr {1%0}}
 {expr {1.0/0}}
 {expr {"" == 0}}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
