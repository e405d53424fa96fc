set a(x) 1
foreach s [list "puts \"a" "puts \{a" "puts \[a" "set x \$\{a" "puts \{a\}b" "puts \"a\"b" "\}" "\]" "list \{*\}\{a" "expr \{1 +" "if \{1\} \{" "set x \$a(" "set x \$a(\$b"] {
    set r [catch {eval $s} m]
    puts "[list $s] -> $r [list $m]"
}
