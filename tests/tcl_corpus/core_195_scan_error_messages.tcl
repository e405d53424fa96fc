foreach c {
 {scan "12" "%z"}
 {scan "1 2" "%d %d" a}
 {scan "1 2" "%d" a b}
 {scan abc %5c}
 {scan a "%\[a"}
 {scan "1" {%1$s %1$s}}
 {scan}
 {scan abc}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
