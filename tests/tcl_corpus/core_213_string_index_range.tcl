foreach i {0 end end-1 5 -1 1+1} {puts "index $i: <[string index abc $i]>"}
puts [string range abcdef 1 3]
puts [string range abcdef 3 1]
puts [string range abcdef -2 1]
puts [string range abcdef 4 end+5]
puts [string range abcdef end-2 end]
puts [catch {string index abc x} m]$m
