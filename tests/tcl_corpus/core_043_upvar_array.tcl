proc fill {name} { upvar $name a; set a(one) 1; set a(two) 2 }
fill arr
puts [lsort [array names arr]]
