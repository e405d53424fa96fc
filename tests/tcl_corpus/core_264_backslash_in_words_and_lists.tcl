puts [string length "\0"]
puts [format %c 0x263A]
puts [string length "\x"]
puts "\101\1010"
puts [llength "a\ b c"]
puts [lindex "a\\ b c" 0]
puts [list "a\\ b"]
puts [split "a\\b\\c" \\]
puts [join {a b} \\]
