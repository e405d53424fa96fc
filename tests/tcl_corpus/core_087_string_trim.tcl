puts "<[string trim "  x y  "]>"
puts "<[string trimleft "xxabcxx" x]>"
puts "<[string trimright "xxabcxx" x]>"
