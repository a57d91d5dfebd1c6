phasegate check check-syntax-and-names
