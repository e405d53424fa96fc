proc u {} { uplevel 1 {error up} }
catch u m
puts $m
