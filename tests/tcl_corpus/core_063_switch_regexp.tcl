switch -regexp -- abc123 {
  {^[a-z]+$} { puts letters }
  {[0-9]+} { puts digits }
}
