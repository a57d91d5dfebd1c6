phasegate advise waiver-unknown.rules --facts facts-error-1.facts --facts facts-error-2.facts --today 2026-01-01
