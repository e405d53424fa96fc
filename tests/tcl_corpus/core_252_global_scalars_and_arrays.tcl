set counter 10
proc bump {} {global counter; incr counter}
bump; bump
puts $counter
proc setup {} {global garr; set garr(a) 1; set garr(b) 2}
setup
puts [lsort [array names garr]]
proc readg {} {global garr; return $garr(b)}
puts [readg]
proc ns {} {return $::counter}
puts [ns]
proc nsset {} {set ::newglobal yes}
nsset; puts $newglobal
proc gl {} {global counter; lsort [info locals]}
puts <[gl]>
puts [info exists ::counter]
