set x abc
if {$x eq "abc"} {puts eq}
if {$x ne "abd"} {puts ne}
if {$x < "abd"} {puts lt}
if {"10" == "10.0"} {puts numeq}
if {"10" eq "10.0"} {puts streq} else {puts strne}
if {[string compare $x abc] == 0} {puts cmp0}
if {[string equal -nocase ABC $x]} {puts nocase}
