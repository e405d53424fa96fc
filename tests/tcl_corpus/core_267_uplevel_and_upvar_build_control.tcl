proc do_twice {body} {uplevel 1 $body; uplevel 1 $body}
set n 0
do_twice {incr n}
puts $n
proc with_var {name value body} {
    upvar 1 $name v
    set v $value
    uplevel 1 $body
}
with_var w 42 {puts "w=$w"}
proc my_repeat {count body} {
    for {set i 0} {$i < $count} {incr i} {uplevel 1 $body}
}
set s {}
my_repeat 3 {lappend s x}
puts $s
