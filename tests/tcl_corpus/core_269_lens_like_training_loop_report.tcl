set errors {}
set w 0.5
for {set epoch 1} {$epoch <= 5} {incr epoch} {
    set err [expr {1.0 / ($epoch * $epoch + $w)}]
    lappend errors $err
    if {$epoch % 2 == 1} {
        puts [format "%3d %.6f" $epoch $err]
    }
}
puts "final: [lindex $errors end]"
puts "min: [lindex [lsort -real $errors] 0]"
puts "mean: [expr {([join $errors +]) / [llength $errors]}]"
