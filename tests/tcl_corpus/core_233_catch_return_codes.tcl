foreach c {
 {catch break}
 {catch continue}
 {catch {return x}}
 {catch {error x}}
 {catch {return -code 7 x}}
 {catch {return -code error x} m; set m}
 {catch {return -code ok x} m; set m}
 {catch {return -level 0 x} m; set m}
 {catch {return -code break}}
 {catch {return -code foo}}
 {catch}
 {catch {} a b c}
 {set x [catch {set y 5} m]; list $x $m}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
