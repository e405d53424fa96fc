# Three bits in; targets: their parity and their majority.
;
name: 000 I: 0 0 0  T: 0 0;
name: 001 I: 0 0 1  T: 1 0;
name: 010 I: 0 1 0  T: 1 0;
name: 011 I: 0 1 1  T: 0 1;
name: 100 I: 1 0 0  T: 1 0;
name: 101 I: 1 0 1  T: 0 1;
name: 110 I: 1 1 0  T: 0 1;
name: 111 I: 1 1 1  T: 1 1;
