catch {error x} m opts
puts [dict get $opts -code]
