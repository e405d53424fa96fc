foreach c {
 {incr nosuch_i; set nosuch_i}
 {set v abc; incr v}
 {set v 1; incr v 1.5}
 {set v 1; incr v x}
 {set v 1.0; incr v}
 {set v 9223372036854775807; incr v}
 {set v 0x10; incr v}
 {set v " 5 "; incr v}
 {set v 08; incr v}
 {incr}
 {incr a b c}
 {set ia(1) 5; incr ia(1); set ia(1)}
 {set aa(1) 5; incr aa}
 {set v 5; incr v -7}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
