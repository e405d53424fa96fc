eval puts hello
eval {puts "braced eval"}
set cmd [list puts "a b"]
eval $cmd
