phasegate test ../../../rules/isf --today 2026-02-16 --format json
