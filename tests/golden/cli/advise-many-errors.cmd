phasegate advise ../../../rules/isf/isf.rules --facts many-errors.facts
