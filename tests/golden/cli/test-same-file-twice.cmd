phasegate test partial.scenarios ./partial.scenarios ../cli/partial.scenarios --today 2026-02-16
