foreach c {
 {format %d 3.5}
 {format %d abc}
 {format %d}
 {format %q 1}
 {format %}
 {format "%s %s" a}
 {format {%1$s %s} a b}
 {format {%2$s} a}
 {format %d 3.0}
 {format %f ""}
 {format %e NaN}
 {format %llu 1}
 {format %5% 1}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
