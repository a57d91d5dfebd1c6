phasegate test empty.scenarios partial.scenarios --today 2026-02-16
