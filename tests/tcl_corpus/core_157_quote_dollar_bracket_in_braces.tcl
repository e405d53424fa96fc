set a 5
puts {no $a [subst] here}
puts "a=$a b=[expr {$a*2}]"
puts "literal \$a and \[x\]"
puts "braces {$a} stay"
