proc bad {} { error "bad thing" }
catch bad
puts $errorInfo
