puts "a \
     b"
puts [list a \
   b]
