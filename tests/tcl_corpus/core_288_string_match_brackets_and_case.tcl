foreach c {
 {string match {[]]} ]}
 {string match {[a-]} -}
 {string match {[a-]} b}
 {string match {a\\} {a\\}}
 {string match {*\[*} {a[b}}
 {string match {[z-a]} m}
 {string match -nocase {[A-C]x} bX}
 {string toupper ß}
 {string totitle "ábc DEF"}
 {string map {a b b a} abab}
 {string map -nocase {AB x} abAB}
 {string trimleft "xxyab" xy}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
