set s ""
while {[string length $s] < 5} { append s x }
puts $s
