# a comment
puts one ;# trailing comment
puts "two # not a comment"
if 1 {
  # comment in body
  puts three
}
