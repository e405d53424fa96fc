# 8-3-8 encoder: each example turns on one input unit and asks for the same unit at the output.
;
name: p0 i: 0 t: 0;
name: p1 i: 1 t: 1;
name: p2 i: 2 t: 2;
name: p3 i: 3 t: 3;
name: p4 i: 4 t: 4;
name: p5 i: 5 t: 5;
name: p6 i: 6 t: 6;
name: p7 i: 7 t: 7;
