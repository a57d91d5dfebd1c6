phasegate test scenarios-for-missing.scenarios --today 2026-02-16
