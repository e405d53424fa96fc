foreach s [list "puts \{" "puts \}" "puts \"a" "puts \[a" "puts a\\" "puts a\\\n" "# \{" "set x \$\{a" "puts \{a\}b" "\$a(" "set x \[list \{\]\]" "\"\{\"" "\{\"\}"] {
    puts "[list $s]: [info complete $s]"
}
