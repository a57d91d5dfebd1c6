phasegate --max-nesting 1024 advise deep.rules --facts deep.facts --today 2026-01-01
