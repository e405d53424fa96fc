puts "<[string map {} abc]>"
