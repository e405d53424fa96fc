puts "tab\there\nnewline"
puts "\x41\x42 \u00e9 \101"
puts {\n stays}
puts "dollar \$ bracket \[ brace \{"
