puts [scan "12 34" "%d %d" a b]; puts "$a $b"
puts [scan "10" "%d %d" c d]; puts "$c [info exists d]"
puts [scan "" "%d" e]; puts [info exists e]
puts [scan "x" "%d" f]; puts [info exists f]
puts [scan "7 8" {%2$d %1$d} p q]; puts "$p $q"
set n [scan "width=12 height=7" "width=%d height=%d" w h]
puts "$n $w $h"
