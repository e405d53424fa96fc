array set b {k1 v1}
puts [array get b]
array unset b
puts [array exists b]
