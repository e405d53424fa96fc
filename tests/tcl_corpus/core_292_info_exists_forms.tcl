foreach c {
 {info exists arr(x)}
 {set arr(x) 1; info exists arr(x)}
 {set arr(x) 1; info exists arr}
 {set sc 1; info exists sc(x)}
 {array set A {}; info exists A}
 {info exists}
 {info exists a b}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
