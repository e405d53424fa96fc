foreach e {1.0/3 2.0/3 10/3.0 1/7.0 0.1+0.2 sqrt(2) exp(1) acos(-1) 4.35*100 1.1*1.1} {
    puts "$e = [expr $e]"
}
