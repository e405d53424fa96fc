proc h {x} {
  if {$x > 0} { return pos }
  return nonpos
}
puts [h 1]
puts [h -1]
