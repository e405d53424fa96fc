array set sc {alice 3 bob 5}
foreach name [lsort [array names sc]] { puts "$name=$sc($name)" }
