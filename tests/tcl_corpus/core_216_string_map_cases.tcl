puts [string map {a 1 b 2} abcab]
puts [string map {ab X a Y} aabab]
puts [string map -nocase {A x} aAa]
puts [string map {} abc]
puts [string map {"" x a y} abc]
puts [string map {abc {}} xabcx]
puts [catch {string map {a} abc} m]$m
