puts [expr {true}]
puts [expr {true && 1}]
puts [expr {!false}]
