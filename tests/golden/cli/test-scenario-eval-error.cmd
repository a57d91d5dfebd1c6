phasegate test scenario-eval-error.scenarios --today 2026-02-16
