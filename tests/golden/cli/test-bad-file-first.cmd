phasegate test scenario-errors.scenarios partial.scenarios --today 2026-02-16
