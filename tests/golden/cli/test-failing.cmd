phasegate test failing.scenarios --today 2026-02-16
