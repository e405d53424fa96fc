set s ""
foreach c {a b c} { append s $c }
puts [string length $s]
