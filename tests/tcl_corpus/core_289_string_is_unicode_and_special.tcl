foreach c {
 {string is alpha é}
 {string is space "\u00a0"}
 {string is control "\x01"}
 {string is print "a\tb"}
 {string is graph "a b"}
 {string is double 1e}
 {string is double 0x10}
 {string is double " 1.5 "}
 {string is boolean 0}
 {string is boolean 2}
 {string is list "{a}b"}
 {string is ascii é}
 {string reverse "héllo"}
 {string bytelength [string repeat é 3]}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
