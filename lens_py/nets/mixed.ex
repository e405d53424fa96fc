# Four binary inputs; targets for two output groups:
# category (3 units): is the left pair's sum larger, equal, or smaller
# amount (1 unit): the number of active inputs / 4
;
name: {0 0 0 0} I: 0 0 0 0 T: (category) 0 1 0 (amount) 0;
name: {0 0 0 1} I: 0 0 0 1 T: (category) 0 0 1 (amount) 0.25;
name: {0 0 1 0} I: 0 0 1 0 T: (category) 0 0 1 (amount) 0.25;
name: {0 0 1 1} I: 0 0 1 1 T: (category) 0 0 1 (amount) 0.5;
name: {0 1 0 0} I: 0 1 0 0 T: (category) 1 0 0 (amount) 0.25;
name: {0 1 0 1} I: 0 1 0 1 T: (category) 0 1 0 (amount) 0.5;
name: {0 1 1 0} I: 0 1 1 0 T: (category) 0 1 0 (amount) 0.5;
name: {0 1 1 1} I: 0 1 1 1 T: (category) 0 0 1 (amount) 0.75;
name: {1 0 0 0} I: 1 0 0 0 T: (category) 1 0 0 (amount) 0.25;
name: {1 0 0 1} I: 1 0 0 1 T: (category) 0 1 0 (amount) 0.5;
name: {1 0 1 0} I: 1 0 1 0 T: (category) 0 1 0 (amount) 0.5;
name: {1 0 1 1} I: 1 0 1 1 T: (category) 0 0 1 (amount) 0.75;
name: {1 1 0 0} I: 1 1 0 0 T: (category) 1 0 0 (amount) 0.5;
name: {1 1 0 1} I: 1 1 0 1 T: (category) 1 0 0 (amount) 0.75;
name: {1 1 1 0} I: 1 1 1 0 T: (category) 1 0 0 (amount) 0.75;
name: {1 1 1 1} I: 1 1 1 1 T: (category) 0 1 0 (amount) 1;
