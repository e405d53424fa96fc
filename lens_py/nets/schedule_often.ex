# Four inputs; targets: (in0 AND in1) and (in2 OR in3).
;
name: 0000 I: 0 0 0 0  T: 0 0;
name: 0011 I: 0 0 1 1  T: 0 1;
name: 0101 I: 0 1 0 1  T: 0 1;
name: 0110 I: 0 1 1 0  T: 0 1;
name: 1000 I: 1 0 0 0  T: 0 0;
name: 1100 I: 1 1 0 0  T: 1 0;
name: 1101 I: 1 1 0 1  T: 1 1;
name: 1111 I: 1 1 1 1  T: 1 1;
