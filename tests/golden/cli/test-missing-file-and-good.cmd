phasegate test partial.scenarios no-such.scenarios --today 2026-02-16
