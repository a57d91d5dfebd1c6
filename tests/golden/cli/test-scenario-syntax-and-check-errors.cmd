phasegate test scenario-syntax-and-check-errors.scenarios
