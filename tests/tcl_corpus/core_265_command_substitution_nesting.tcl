proc id {x} {return $x}
puts [id [id [id deep]]]
puts "[id a][id b]"
puts [expr {[id 2] * [id 3]}]
set r [id "with \] bracket"]
puts $r
puts [id {braces [not] substituted}]
puts [llength [id "a b c"]]
