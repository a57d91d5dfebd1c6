phasegate test scenario-missing-given.scenarios --today 2026-02-16
