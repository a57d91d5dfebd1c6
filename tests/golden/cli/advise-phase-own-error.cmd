phasegate advise phase-runtime-error.rules --facts phase-runtime-error.facts --phase broken --today 2026-02-16
