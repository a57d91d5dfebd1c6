phasegate advise waivers-two-unknown.rules --facts waivers-two-unknown.facts --today 2026-01-01
