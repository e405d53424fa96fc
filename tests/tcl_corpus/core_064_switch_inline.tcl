puts [switch x a {format 1} x {format 2}]
