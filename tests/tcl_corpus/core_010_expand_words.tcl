set l {a b c}
puts [llength [list {*}$l d]]
puts [list {*}{x y} {*}{}]
