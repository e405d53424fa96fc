foreach c {
 {switch a {a -}}
 {switch a {a}}
 {switch a b {set r 1} c}
 {switch -foo a {a {}}}
 {switch}
 {switch a}
 {switch -glob -matchvar m a {a {}}}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
