proc p1 {} {
    set x 1
    p2 $x
}
proc p2 {y} {
    error "fail $y"
}
catch p1 msg
puts $msg
puts $errorInfo
