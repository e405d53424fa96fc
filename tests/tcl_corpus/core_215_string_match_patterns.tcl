foreach {p s} {a* abc {a[bc]?} abd {\*} * {[a-c]*} b1 {*[0-9]} a1 {} {} ? {} {a?c} abc {*a*} bab {[!a]} b} {
    puts "$p $s [string match $p $s]"
}
puts [string match -nocase A* abc]
