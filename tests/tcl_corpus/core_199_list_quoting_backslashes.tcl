foreach e [list {a\]} {a\b} "a\\" {\}} {\{} {a"b} {a]b} {"a} {a\$} {a$b} "a\tb" "\{a" "a\}" "\}a" {#a} "" " " {[x]} {\n} "x\n" ";" {\\} "\\\\" {$x}] {
    puts "[list $e]|[list x $e]|[expr {[lindex [list $e] 0] eq $e}]"
}
