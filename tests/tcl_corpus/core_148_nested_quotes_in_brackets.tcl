puts [string length "a [string toupper "b c"] d"]
