foreach c {
 {expr {"abc" eq {abc}}}
 {expr {[list a b] eq "a b"}}
 {expr {{a b} in {{a b} c}}}
 {expr {1 in {01 1}}}
 {expr {"" in {}}}
 {expr {"a" ni {}}}
 {format %%d}
 {format "%s" "%d"}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
