foreach c {
 {string}
 {string foo x}
 {string le abc}
 {string first}
 {string repeat}
 {string repeat a x}
 {string trim}
 {string is}
 {string index abc}
 {string map a}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
