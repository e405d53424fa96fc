foreach x {} { puts never }
puts done
