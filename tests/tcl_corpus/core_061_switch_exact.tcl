foreach v {a b z} {
  switch $v {
    a { puts A }
    b { puts B }
    default { puts other }
  }
}
