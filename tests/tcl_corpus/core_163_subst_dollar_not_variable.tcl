puts "$"
puts "cost: $ 5"
puts a$
puts [string length $]
set a 1
puts "$a$"
