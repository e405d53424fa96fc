foreach c {
 {expr {2**2000 + 1.5}}
 {expr {2**2000 * 1.0}}
 {expr {-(2**2000) * 1.0}}
 {expr {double(2**2000)}}
 {expr {2**2000 < 1.5}}
 {expr {isqrt(2**200)}}
 {expr {int(2**70)}}
 {expr {wide(2**70)}}
 {expr {entier(1e20)}}
 {expr {abs(-(2**100))}}
 {expr {max(2**100, 1.5)}}
 {expr {sin(2**2000)}}
 {expr {exp(2**2000)}}
 {expr {pow(0, -2.5)}}
 {expr {pow(-0.0, -3)}}
 {expr {fmod(1e308*10, 1)}}
 {expr {sqrt(-1) < 1}}
 {expr {sqrt(-1) + 1}}
 {expr {log(-1) < 1}}
 {expr {asin(2) < 1}}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
