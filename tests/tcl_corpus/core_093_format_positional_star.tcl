puts [format {%2$s %1$s} a b]
puts [format %*d 6 42]
puts [format %.*f 2 3.14159]
