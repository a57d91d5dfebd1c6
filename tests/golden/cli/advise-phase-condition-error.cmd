phasegate advise condition-runtime-error.rules --facts condition-runtime-error.facts --phase later --today 2026-02-16
