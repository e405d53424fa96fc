puts [concat a {b c} " d "]
puts [concat {a b} {} {c}]
