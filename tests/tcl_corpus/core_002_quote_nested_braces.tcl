puts {x {y z} w}
puts "{$a}" 
