set ::gvar 7
puts $::gvar
proc readg {} { return $::gvar }
puts [readg]
