set out ""
foreach w {x y z} { append out "$w;" }
puts $out
