proc stats {l} {
    set n [llength $l]
    set sum 0.0
    foreach v $l {set sum [expr {$sum + $v}]}
    set mean [expr {$sum / $n}]
    set ss 0.0
    foreach v $l {set ss [expr {$ss + ($v - $mean) ** 2}]}
    return [list $n $mean [expr {sqrt($ss / ($n - 1))}]]
}
lassign [stats {1 2 3 4 5 6}] n mean sd
puts "$n $mean $sd"
proc fill {arrName} {upvar $arrName a; foreach k {x y z} {set a($k) [string toupper $k]}}
fill res
foreach k [lsort [array names res]] {puts "$k $res($k)"}
