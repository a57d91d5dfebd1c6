phasegate explain ../../../rules/isf/isf.rules --facts ../../../examples/isf/2025-11-20-briefing.facts --today 2026-02-16 --phase handover --format dot
