puts [expr {"1" eq "1.0"}]
puts [expr {"a" ne "b"}]
puts [expr {"b" in {a b c}}]
puts [expr {"z" ni {a b c}}]
