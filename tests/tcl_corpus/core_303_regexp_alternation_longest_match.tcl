foreach c {
 {regexp {a|ab} abc m; set m}
 {regexp {(a|ab)(c|bcd)} abcd m x y; list $m $x $y}
 {regsub -all {a|ab} abab X}
 {regexp -inline {in|int|integer} "an integer"}
 {regexp {ab$|a} abc m; set m}
 {regexp -all -inline {x|xy|xyz} "xyz xy x"}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
