proc bylen {a b} { expr {[string length $a] - [string length $b]} }
puts [lsort -command bylen {ccc a bb}]
