set out ""
foreach g {input hidden output} n {2 3 1} {
    append out "$g:$n "
}
puts [string trimright $out]
set names {}
foreach i {1 2 3} {lappend names "unit$i"}
puts [join $names ", "]
puts [string map {unit u} $names]
set line [format "%-8s %5s" group units]
puts $line
puts [string repeat - [string length $line]]
