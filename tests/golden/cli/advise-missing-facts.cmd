phasegate advise ../../../rules/isf/isf.rules --facts missing.facts
