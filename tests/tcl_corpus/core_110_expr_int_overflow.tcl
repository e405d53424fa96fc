puts [expr {9223372036854775807 + 1}]
puts [expr {2**62 * 4}]
