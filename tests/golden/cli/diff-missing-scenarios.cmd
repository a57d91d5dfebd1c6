phasegate diff scenario-errors.rules scenario-errors.rules --scenarios no-such.scenarios
