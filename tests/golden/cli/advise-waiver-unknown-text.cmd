phasegate advise waiver-unknown.rules --facts waiver-unknown.facts --today 2026-01-01
