foreach {cls v} {boolean yes boolean maybe true yes false off alpha abc alpha ab1 alnum ab1 digit 123 digit 12.3 space "  " upper ABC lower abc wordchar ab_1 xdigit 0aF list {a b} list "a \{b" ascii abc punct !} {
    puts "$cls <$v> [string is $cls $v]"
}
puts [string is integer -failindex i 12a]$i
puts [catch {string is foo x} m]$m
