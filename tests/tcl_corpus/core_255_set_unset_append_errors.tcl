foreach c {
 {append nosuch_ap x y; set nosuch_ap}
 {set}
 {set a b c}
 {unset nosuch_u}
 {unset -nocomplain nosuch_u}
 {set arr(x) 1; unset arr(y)}
 {set arr2(x) 1; unset arr2; info exists arr2}
 {set sc 1; set sc(x) 2}
 {set ar3(x) 1; set ar3 2}
 {set ar4(x) 1; set ar4}
 {set sc2 1; set sc2(x)}
 {set ar5(x) 1; set ar5(y)}
 {unset}
 {set nosuchvar}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
