foreach c {
 {set ::a::b}
 {set ::nosuch}
 {set ::x 5; set x}
 {proc p {} {global ::x; return $x}; set ::x 7; p}
 {proc p {a args} {}; p}
 {proc p {{a 1} args} {}; p 1 2 3}
 {proc p {a {b 2}} {}; p 1 2 3}
 {proc p {} {uplevel #1 {set q 1}}; p}
 {proc p {} {q}; proc q {} {uplevel #1 {info level}}; p}
 {proc p {} {info level 0}; p}
 {info level 1}
 {uplevel 0 {set z 1}}
 {uplevel #0 set zz 2}
 {upvar #0 x y; set y}
 {set a 1; upvar 0 a b; set b 2; set a}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
