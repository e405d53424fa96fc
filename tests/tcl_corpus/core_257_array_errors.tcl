foreach c {
 {array set c {a}}
 {array size}
 {array foo b}
 {array}
 {set b(1) 1; set b}
 {set s scalar; array set s {a 1}}
 {array names}
 {array get a b c}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
