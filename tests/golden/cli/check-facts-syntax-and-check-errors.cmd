phasegate check ../../../rules/isf/isf.rules --facts facts-syntax-and-check-errors.facts
