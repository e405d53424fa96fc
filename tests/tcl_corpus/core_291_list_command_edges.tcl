foreach c {
 {concat "a\nb" "c"}
 {split "a::b::c" ::}
 {split "\na\n" \n}
 {join {{a b} {c d}} |}
 {join {a b c} ""}
 {llength [split ",,," ,]}
 {lrange {a b c} 1}
 {linsert {a b} -1 x}
 {linsert {a b} 10 x}
 {linsert {a b} end-5 x}
 {lreplace {a b c} 5 6 x}
 {lreplace {a b c} 1 0 x}
 {lreplace {a b c} end-1 end}
 {lreplace {} 0 0}
 {lsearch {} a}
 {lassign {} a}
 {list a [list] b}
 {eval list {}}
 {concat {} {}}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
