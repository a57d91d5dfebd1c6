phasegate test partial.scenarios scenario-errors.scenarios --today 2026-02-16
