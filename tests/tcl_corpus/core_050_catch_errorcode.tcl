catch {error msg info MYCODE} m
puts $errorCode
puts $m
