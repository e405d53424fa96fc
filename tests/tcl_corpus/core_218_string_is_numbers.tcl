foreach v {12 -12 1.5 "" " 12 " 0x1f 08 99999999999999999999 1e5 abc . 1. inf} {
    puts "<$v> int=[string is integer $v] double=[string is double $v] strict=[string is integer -strict $v]"
}
