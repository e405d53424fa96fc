puts [regexp {(\d+)-(\d+)} "from 10-20 to" all lo hi]
puts "$all $lo $hi"
puts [regexp {^([0-9]+)\.([0-9]+)$} 3.14 -> a b]
puts "$a $b"
puts [regexp {(a)|(b)} b x y z]
puts "<$x> <$y> <$z>"
puts [regexp -nocase {^HELLO} "hello world"]
puts [regexp {z} abc m]
puts [info exists m]
