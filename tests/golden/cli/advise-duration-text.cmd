phasegate advise durations.rules --today 2026-03-01 --assume 'opened_on = 2026-01-01'
