phasegate test partial.scenarios --today 2026-02-16 --coverage --format json
