# a comment ; with semicolon
puts one ;# trailing comment
puts "#not a comment"
set x 5 ; puts $x
puts a\;b
if 1 {
    # comment inside body
    puts two
}
