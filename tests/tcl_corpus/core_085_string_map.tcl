puts [string map {a 1 b 2} abcab]
puts [string map {abc X a Y} abcab]
puts [string map -nocase {A z} aAa]
