phasegate check two-rulesets
