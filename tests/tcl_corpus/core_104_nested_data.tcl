set db [list [list alice 30] [list bob 25]]
foreach rec $db { lassign $rec n age; puts "$n is $age" }
puts [lsort -integer -index 1 $db]
