puts [list [list a b] [list c [list d e]]]
