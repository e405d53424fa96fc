# Exclusive-or, in dense form: two inputs, one target.
# (Default set header: unmentioned units get 0.)
;
name: {0 0} I: 0 0  T: 0;
name: {0 1} I: 0 1  T: 1;
name: {1 0} I: 1 0  T: 1;
name: {1 1} I: 1 1  T: 0;
