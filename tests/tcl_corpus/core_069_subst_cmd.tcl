set x 5
puts [subst {x=$x [expr {$x*2}] \t!}]
puts [subst -nocommands {x=$x [expr 1]}]
puts [subst -novariables {x=$x [expr 1]}]
