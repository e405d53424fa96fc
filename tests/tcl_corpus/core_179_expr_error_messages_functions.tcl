foreach c {
 {expr {int("x")}}
 {expr {double("x")}}
 {expr {sqrt("x")}}
 {expr {abs()}}
 {expr {max()}}
 {expr {sin(1,2)}}
 {expr {rand(1)}}
 {expr {foo(1)}}
 {expr {sqrt(-1)}}
 {expr {log(0)}}
 {expr {log(-1)}}
 {expr {int("08")}}
 {expr {round("a")}}
 {expr {bool("x")}}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
