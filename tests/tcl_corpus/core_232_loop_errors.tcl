foreach c {
 {while}
 {while 1}
 {for {set i 0} {$i < 1}}
 {foreach}
 {foreach a b}
 {foreach {} {1 2} {}}
 {break}
 {continue}
 {for {} {$undefined_v} {} {}}
 {while {"abc"} {}}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
