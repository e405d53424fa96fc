foreach v {1.0 1.5 100.0 1e6 1e15 1e16 0.5e-3 -0.0 1e-10 123.456} {
    set d [expr {double($v)}]
    puts "$v -> $d [expr {$d * 1}] [expr {int($d)}]"
}
