puts [string index abcdef end-2]
puts [string range abcdef end-2 end]
puts [string range abcdef 0 end-3]
