catch {error boom} m o
puts [lsort [dict keys $o]]
puts [dict get $o -code]/[dict get $o -level]/[dict get $o -errorcode]
catch {error boom info CODE} m o
puts [dict get $o -errorcode]
puts [dict get $o -errorinfo]
catch {list a} m o
puts $o
catch {break} m o
puts $o
catch {return -level 2 x} m o
puts $o
catch {return -code error xx} m o
puts $o
