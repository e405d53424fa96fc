foreach v [list "a \{b" "a \"b" "\{a\}b" "a \"b\"c" "\{" "a \{b\} \}"] {
    puts "[catch {llength $v} m] $m"
    puts "[catch {lindex $v 0} m] $m"
}
set v0 "\{"
puts [catch {lappend v0 y} m]$m
puts [catch {foreach x $v0 {}} m]$m
