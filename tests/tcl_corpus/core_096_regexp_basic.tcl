puts [regexp {b+} abbbc]
puts [regexp {(a)(b+)} xabbc m g1 g2]
puts "$m $g1 $g2"
puts [regexp -nocase {ABC} xabcx]
puts [regexp {^\d+$} 12345]
puts [regexp -inline {(\w+)@(\w+)} "me@host"]
puts [regexp -all {a} banana]
