phasegate advise ../../../rules/isf/isf.rules --facts ../../../examples/isf/2025-11-20-briefing.facts --facts ../../../examples/isf/2026-02-15-board.facts --today 2026-02-16 --format markdown
