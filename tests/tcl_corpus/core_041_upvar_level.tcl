proc outer {} { set local 1; inner; return $local }
proc inner {} { upvar 1 local l; set l 42 }
puts [outer]
