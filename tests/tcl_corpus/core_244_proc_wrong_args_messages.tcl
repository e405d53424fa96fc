foreach c {
 {proc f {a {b 2} args} {}; f}
 {proc g {a b} {}; g 1}
 {proc g {a b} {}; g 1 2 3}
 {proc h {{a 1} b} {}; h 5}
 {proc argsmid {args a} {}; argsmid}
 {proc}
 {proc x {{}} {}}
 {proc x {{a b c}} {}}
 {proc z {} {}; z 1}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
