foreach c {{set nosuch} {nosuchcmd} {set} {incr x y} {expr {"a"+1}} {expr 1/0} {expr sqrt(-1)} {lindex {a b} x} {llength "a \{"} {error m} {error m i c} {format %d x} {array set q {a}} {unset nosuch} {apply x} {dict get {a 1} b} {lsort -integer {a}} {upvar 5 a b}} {
    set r [catch $c m]
    puts "$r <$m> <$::errorCode>"
}
