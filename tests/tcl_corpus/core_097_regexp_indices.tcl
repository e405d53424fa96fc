regexp -indices {b+} abbbc r
puts $r
