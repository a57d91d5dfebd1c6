phasegate advise ../../../rules/isf/isf.rules --today 2026-02-30
