catch {apply {{x} {expr {$x / 0}}} 5}
puts $errorInfo
proc badcmp {a b} {error "cannot compare $a $b"}
catch {lsort -command badcmp {x y}}
puts $errorInfo
