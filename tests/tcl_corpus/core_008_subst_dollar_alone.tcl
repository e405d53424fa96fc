puts "cost $ 5"
puts $
