puts [string length ""]
puts [string length "hello world"]
puts [string length "h\u00e9llo"]
puts [string bytelength "h\u00e9llo"]
puts [string cat a b c]
puts <[string cat]>
puts [string wordend "hello world" 1]
puts [string wordstart "hello world" 8]
