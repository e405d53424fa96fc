set fn /tmp/lens_py_corpus_io_test.txt
set f [open $fn w]
puts $f "line one"
puts -nonewline $f "line two\nthree"
close $f
set f [open $fn r]
while {[gets $f line] >= 0} {puts "got: <$line>"}
puts [eof $f]
close $f
set f [open $fn]
puts [gets $f]
puts [read $f]
close $f
set f [open $fn a]
puts $f "appended"
close $f
set f [open $fn]
set data [read $f]
close $f
puts [llength [split $data \n]]
puts [string length $data]
set f [open $fn]
puts [read $f 4]
puts [gets $f x]<$x>
close $f
puts [catch {open /nonexistent/x r} m]$m
puts [catch {gets nosuchchan} m]$m
puts [catch {close nosuchchan} m]$m
puts [file exists $fn][file exists /nonexistent]
puts [file tail $fn][file dirname $fn][file extension $fn][file rootname $fn]
puts [file join a b c.txt]
file delete $fn
puts [file exists $fn]
