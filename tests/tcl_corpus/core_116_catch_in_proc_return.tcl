proc tryit {} {
  if {[catch {error inner} msg]} { return "caught: $msg" }
  return fine
}
puts [tryit]
