set script {nosuch 1 2}
catch $script
puts $errorInfo
set body {
    set a 1
    error "from body"
}
catch $body m
puts $m
puts $errorInfo
