foreach c {
 {expr {1 +}}
 {expr {1 + * 2}}
 {expr {(1}}
 {expr {1)}}
 {expr {1 2}}
 {expr {}}
 {expr {abc}}
 {expr {1 ? 2}}
 {expr {1 ? 2 :}}
 {expr {0x}}
 {expr {08}}
 {expr {1e}}
 {expr {1abc}}
 {expr {1 = 2}}
 {expr {max(1,)}}
 {expr {sin(1}}
 {expr {1,2}}
 {expr {1 ? 2 : 3 : 4}}
 {expr {.}}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
