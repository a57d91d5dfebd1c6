phasegate advise markdown-cells/m.rules --facts markdown-cells/m.facts --today 2026-02-16 --format markdown
