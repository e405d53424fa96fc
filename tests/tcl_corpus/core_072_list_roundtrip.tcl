set weird [list "a b" "{" "}" "\\" "" "x\ny" {"q"}]
puts [llength $weird]
foreach e $weird { puts -nonewline "<$e>" }
puts ""
