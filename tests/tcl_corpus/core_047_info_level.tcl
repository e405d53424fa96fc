proc lv {} { return [info level] }
puts [info level]
puts [lv]
proc lv2 {a b} { return [info level 0] }
puts [lv2 x y]
