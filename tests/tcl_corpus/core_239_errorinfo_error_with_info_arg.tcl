proc p {} {error a b c}
catch p
puts "<$errorInfo> <$errorCode>"
proc p4 {} {return -code error -errorcode {MY CODE} "bad thing"}
catch p4 m
puts "$m | $errorCode"
puts $errorInfo
catch {error "line1\nline2"}
puts $errorInfo
