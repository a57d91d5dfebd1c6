phasegate advise chain-unknown-edge.rules --today 2026-02-30
