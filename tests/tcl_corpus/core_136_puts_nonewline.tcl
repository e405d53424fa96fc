puts -nonewline a
puts -nonewline b
puts ""
puts stdout c
