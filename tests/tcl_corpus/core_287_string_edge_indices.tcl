foreach c {
 {string first a banana -5}
 {string first a banana end-2}
 {string last a banana end-2}
 {string last a banana -1}
 {string index abc end+1}
 {string range abc 1.5 2}
 {string compare -nocase -length 2 ABx abY}
 {string equal -length -1 abc abd}
 {string replace abc 0 end}
 {string replace abc -5 -1 X}
 {string replace abc 5 6 X}
 {string wordend "a_b c" 0}
 {string wordstart "a_b c" 2}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
