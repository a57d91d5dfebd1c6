phasegate advise ../../../rules/isf/isf.rules --facts ../../../examples/isf/2025-11-20-briefing.facts --phase 'phase2('
