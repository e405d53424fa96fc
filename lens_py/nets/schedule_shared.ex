# One-hot position i -> one-hot position i+2 (mod 4): two steps of "move one
# to the right", which the shared weight array can learn to do once.
;
name: 0 I: 1 0 0 0  T: 0 0 1 0;
name: 1 I: 0 1 0 0  T: 0 0 0 1;
name: 2 I: 0 0 1 0  T: 1 0 0 0;
name: 3 I: 0 0 0 1  T: 0 1 0 0;
