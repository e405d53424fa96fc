puts [regsub {a} banana o]
puts [regsub -all {a} banana o]
puts [regsub -all {(a)(n)} banana {\2\1}]
puts [regsub -all {n} banana {<&>}]
regsub -all {a} banana A out
puts $out
