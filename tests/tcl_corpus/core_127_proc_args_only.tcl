proc va {args} { return [llength $args] }
puts [va]
puts [va a b c]
