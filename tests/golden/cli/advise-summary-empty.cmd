phasegate advise summary-empty.rules --today 2026-02-02 --summary
