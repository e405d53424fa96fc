puts [string repeat ab 3]
puts [string reverse hello]
puts [string replace hello 1 3 EY]
