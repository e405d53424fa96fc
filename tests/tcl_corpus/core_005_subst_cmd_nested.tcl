puts [string length [string repeat ab 3]]
puts "[expr 1+2][expr 3+4]"
