proc a1 {} { b1 }
proc b1 {} { error deep }
catch a1
puts $errorInfo
