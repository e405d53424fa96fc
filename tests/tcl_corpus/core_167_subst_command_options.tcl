set a 1
puts [subst {$a [expr 1+1] \t|}]
puts [subst -nocommands {$a [expr 1+1]}]
puts [subst -novariables {$a [expr 1+1]}]
puts [subst -nobackslashes {a\tb $a}]
