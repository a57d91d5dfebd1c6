phasegate advise ../../../rules/isf/isf.rules --frobnicate
