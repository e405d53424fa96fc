set a 5
puts "a is $a"
puts {a is $a}
puts a\ b
