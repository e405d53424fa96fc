proc doit {script} { uplevel 1 $script }
set z 1
doit {set z 2}
puts $z
proc lvl {} { uplevel #0 {set w global} }
lvl
puts $w
