foreach c {
 {upvar 1 x y}
 {upvar 5 a b}
 {upvar}
 {proc uperr {} {upvar 1 nosuchvar v; set v}; uperr}
 {proc u2 {} {set v 1; upvar 1 x v}; u2}
 {proc u3 {} {upvar 1 a b c}; u3}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
