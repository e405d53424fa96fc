foreach c {
 {expr {1e300*1e300}}
 {expr {-1e300*1e300}}
 {expr {1/0.0}}
 {expr {-1/0.0}}
 {expr {inf - inf}}
 {expr {0/0.0}}
 {expr {nan}}
 {expr {inf}}
 {expr {exp(1000)}}
 {expr {exp(-1000)}}
 {expr {int(inf)}}
 {expr {1e-300*1e-300}}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
