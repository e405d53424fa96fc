foreach c {
 {lsort -integer {a b}}
 {lsort -real {1 a}}
 {lsort -foo {b a}}
 {lsort -in {b a}}
 {lsort -stride 3 {b 1 a 2}}
 {lsort -stride 1 {b a}}
 {lsort -index 1 {{a 3} {b}}}
 {lsort -integer {1 2.0}}
 {lsort}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
