set gv 1
proc setg {} { upvar #0 gv x; set x 99 }
setg
puts $gv
