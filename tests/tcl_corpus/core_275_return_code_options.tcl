proc r {code} {return -code $code "val-$code"}
foreach c {0 1 2 3 4 5} {
    set rc [catch {r $c} m]
    puts "$c -> $rc <$m>"
}
proc rl {} {return -level 0 -code 4 x}
puts [catch {rl} m]<$m>
