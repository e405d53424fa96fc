puts [expr 0x10]
puts [expr 0o17]
puts [expr 0b101]
puts [expr 010]
