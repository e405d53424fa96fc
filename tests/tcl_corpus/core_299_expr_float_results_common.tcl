foreach c {
 {expr {-0.0}}
 {expr {0.0 * -1}}
 {expr {-0.0 == 0.0}}
 {expr {-1/3}}
 {expr {1.0/3 * 3 == 1}}
 {expr {int(-0.5)}}
 {expr {round(-0.5)}}
 {expr {round(0.5)}}
 {expr {round(1.5)}}
 {expr {round(-1.5)}}
 {expr {1e16 + 1}}
 {expr {1e15 + 0.5}}
 {expr {0.1 + 0.7}}
 {expr {100 * 1.1}}
 {expr {3.0 / 2}}
 {expr {1 - 0.9}}
 {expr {exp(-1)}}
 {expr {1 / (1 + exp(-0.5))}}
 {expr {tanh(0.5)}}
 {expr {log(2)}}
 {expr {0.5 ** 10}}
 {expr {2 ** 0.5 * 2 ** 0.5}}
 {expr {sqrt(0.0)}}
 {expr {-sqrt(4)}}
 {expr {abs(-0.0)}}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
