proc setel {arrName key val} { upvar $arrName a; set a($key) $val }
setel zz k 9
puts $zz(k)
