phasegate advise chain-unknown-edge.rules --facts chain-unknown-edge.facts --today 2026-01-01
