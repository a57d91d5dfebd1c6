phasegate check deep.rules
