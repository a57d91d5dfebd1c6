phasegate advise --facts chain-unknown-edge.facts --phase end_to_end chain-unknown-edge.rules --today 2026-01-01
