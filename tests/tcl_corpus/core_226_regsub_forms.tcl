puts [regsub -all {(\w+) (\w+)} {hello world foo bar} {\2 \1}]
puts [regsub -all a banana {[&]}]
puts [regsub -all a banana {\&}]
puts [regsub -all a banana {\\}]
puts [regsub a banana X v]$v
puts [regsub -all a banana X v]$v
puts [regsub z banana X v]$v
puts [regsub -nocase -all A banana X]
puts [regsub -start 2 -all a banana X]
puts [regsub -all {\s+} "a   b \t c" " "]
puts [regsub {(.*)\.(.*)} file.txt {\2.\1}]
puts [regsub -all {x*} abc -]
puts [regsub -all -- {-} a-b-c +]
