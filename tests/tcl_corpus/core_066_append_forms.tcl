set s abc
append s def ghi
puts $s
append fresh x
puts $fresh
