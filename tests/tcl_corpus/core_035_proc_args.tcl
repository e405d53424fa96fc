proc g {a args} { return "[llength $args]:$args" }
puts [g 1]
puts [g 1 2 3]
puts [g 1 {x y} z]
