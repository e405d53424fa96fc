foreach v {apple banana cherry} {
  switch -glob -- $v {
    a* -
    b* { puts "ab: $v" }
    default { puts "else: $v" }
  }
}
