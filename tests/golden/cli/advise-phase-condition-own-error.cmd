phasegate advise condition-runtime-error.rules --facts condition-runtime-error.facts --phase broken --today 2026-02-16
