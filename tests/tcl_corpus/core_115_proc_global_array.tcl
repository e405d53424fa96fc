array set cfg {lr 0.1}
proc getlr {} { global cfg; return $cfg(lr) }
puts [getlr]
