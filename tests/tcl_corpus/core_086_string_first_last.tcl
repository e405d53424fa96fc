puts [string first b abcb]
puts [string last b abcb]
puts [string first z abc]
puts [string first b abcb 2]
