foreach c {
 {format %s {a b}}
 {format %5.2s abc}
 {format %-3c| 65}
 {list [format %.3f 2.0005] [format %.3f 2.0015] [format %.2f 1.005]}
 {format %.15g 0.1}
 {format %.16g 0.1}
 {format %.17g 0.1}
 {format %g 1e-5}
 {format %G 1e-5}
 {format %e -0.0}
 {format %f -0.0}
 {format %d -0}
 {format %.3e 9.9995}
 {format %.0e 5}
 {format %#.3x 5}
 {format %+5.1f -0.04}
 {format "% 05d" 42}
 {format %05.1f -2.3}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
