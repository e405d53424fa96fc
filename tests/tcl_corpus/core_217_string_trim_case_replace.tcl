puts <[string trim "  ab  "]>
puts <[string trim "xxabxx" x]>
puts <[string trimleft "  ab  "]>
puts <[string trimright "  ab  "]>
puts <[string trim "abcba" ab]>
puts [string tolower ABC][string toupper abc]
puts [string totitle "hello WORLD"]
puts [string tolower ABCDEF 1 3]
puts [string replace abcdef 1 2]
puts [string replace abcdef 1 2 XY]
puts [string replace abcdef 4 1 XY]
puts [string repeat ab 3]<[string repeat ab 0]>
puts [string reverse abc]
