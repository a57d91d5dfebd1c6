phasegate test scenario-given-and-expect-errors.scenarios --today 2026-02-16
