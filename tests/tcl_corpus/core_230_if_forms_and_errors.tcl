foreach c {
 {if 1 then {set r yes}}
 {if 0 {set r a} else {set r b}}
 {if 0 {set r a} elseif 1 {set r c}}
 {if 0 {set r a} elseif 0 {set r c}}
 {if 0 {set r a} else}
 {if}
 {if 1}
 {if {} {set r 1}}
 {if abc {set r 1}}
 {if {1 +} {set r 1}}
 {if yes {set r y}}
 {if 0 {} elseif}
 {if 0 {} foo {}}
 {if 1 {} else {} extra}
 {if [expr 1] {set r cmd}}
} {
    if {[catch $c r]} {puts "ERR $c: $r"} else {puts "OK $c: <$r>"}
}
