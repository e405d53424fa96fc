foreach v {a b c x -x} {
    switch -- $v {
        a - b {puts "$v: a or b"}
        c {puts "$v: c"}
        -x {puts "$v: dash"}
        default {puts "$v: default"}
    }
}
puts [switch -glob abc {a* {set r glob} default {set r D}}]
puts [switch -regexp abc {^b {set r 1} c$ {set r 2}}]
puts [switch -nocase A {a {set r lower}}]
puts <[switch c {a {set r A}}]>
