proc myproc1 {} {}
proc myproc2 {} {}
puts [lsort [info procs myproc*]]
