foreach c {
 {string len abc}
 {string to ABC}
 {string tol ABC}
 {string i abc 1}
 {string is int 5}
 {string is dou 1.5}
 {string is bool yes}
 {info ex x}
 {info com set}
 {info l}
 {array n nosuch}
 {array s nosuch}
 {array ex nosuch}
 {dict g {a 1} a}
 {dict s {a 1}}
 {lsort -dec {a b}}
 {lsort -int {10 9}}
 {lsearch -ex {a b} b}
 {lsearch -all -inl {a b a} a}
 {regexp -nocase A a}
 {switch -gl abc {a* {set r 1}}}
 {string compare -nocas a A}
 {string map -nocas {a b} A}
 {string match -nocas A a}
 {unset -nocomp nosuchzz}
 {subst -nocom {[x]}}
 {puts -nonew ""}
 {format %s [string trimr "ab  "]}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
