set errs {0.52314 0.123456 0.0012345}
set i 0
foreach e $errs {
    puts [format "%4d %8.5f %s" [incr i] $e [expr {$e < 0.1 ? "ok" : "high"}]]
}
puts [format "Error: %7.4f  Correct: %5.1f%%" 0.1234567 87.5]
puts [format "%-10s|%6.2f" total [expr {0.52314 + 0.123456}]]
