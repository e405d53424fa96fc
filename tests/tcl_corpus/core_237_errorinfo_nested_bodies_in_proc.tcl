proc p {} {
    set a 1
    while 1 {
        if {$a} {
            nosuch $a
        }
    }
}
catch p
puts $errorInfo
proc q {} {
    foreach x {1 2} {
        set y [expr {$x / 0}]
    }
}
catch q
puts $errorInfo
