set l {x y}
puts [list {*}$l z]
puts [list {*}{}]
puts [llength [list {*}{a {b c}}]]
puts [list {*}"d e" f]
set cmd {puts hello}
{*}$cmd
