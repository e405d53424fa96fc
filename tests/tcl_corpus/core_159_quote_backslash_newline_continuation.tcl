puts "line1 \
      line2"
puts [list a \
   b c]
set x {keep\
 this}
puts $x
puts [string length $x]
