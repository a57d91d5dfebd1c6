phasegate check ../check/include_errors.rules
