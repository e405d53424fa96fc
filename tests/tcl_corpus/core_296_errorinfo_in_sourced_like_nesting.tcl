proc level3 {x} {
    if {$x > 2} {
        error "too big: $x"
    }
    return $x
}
proc level2 {x} {
    set r [level3 $x]
    return $r
}
proc level1 {args} {
    foreach a $args {
        lappend out [level2 $a]
    }
    return $out
}
puts [catch {level1 1 2 3} m]
puts $m
puts $errorInfo
puts $errorCode
