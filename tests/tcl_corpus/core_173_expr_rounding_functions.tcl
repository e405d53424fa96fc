foreach v {2.5 -2.5 3.49 3.5 -0.5 0.49999999999999994} {
    puts "$v: round=[expr {round($v)}] int=[expr {int($v)}] floor=[expr {floor($v)}] ceil=[expr {ceil($v)}]"
}
puts [expr {entier(3.9)}]
puts [expr {int(1e30)}]
puts [expr {wide(5)}]
