puts "\x48\x49"
puts "\110\111"
puts "a\tb"
