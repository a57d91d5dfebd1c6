phasegate diff diff-versions/old.rules diff-versions/new.rules --scenarios diff-versions/s.scenarios --today 2026-02-16
