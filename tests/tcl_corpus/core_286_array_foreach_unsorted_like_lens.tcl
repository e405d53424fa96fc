array set weights {w1 0.5 w2 -0.25 bias 0.1 w10 1.5}
set sum 0.0
foreach name [array names weights] {
    puts "$name = $weights($name)"
    set sum [expr {$sum + $weights($name)}]
}
puts $sum
foreach {k v} [array get weights] {puts "$k:$v"}
