set table {{1 0.5 a} {2 0.25 b} {3 0.125 c}}
foreach row $table {
    lassign $row i v name
    puts [format "%d %.3f %s" $i [expr {$v * 2}] $name]
}
puts [lsort -real -index 1 $table]
puts [lindex $table end 1]
lset table 0 1 0.75
puts [lindex $table 0]
puts [lsearch -index 2 $table b]
