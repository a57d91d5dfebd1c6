phasegate test scenario-arg-types.scenarios --today 2026-02-16
