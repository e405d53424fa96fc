puts [format %g 3.0]
puts [format %g 100000]
puts [format %g 1000000]
puts [format %.10g 0.1]
