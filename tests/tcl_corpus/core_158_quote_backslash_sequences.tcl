puts "tab\there"
puts "a\\b"
puts {a\\b}
puts [string length "\n\t\\"]
puts "\x41\x4a\101\u00e9"
puts "\z\q"
