phasegate advise waiver-unknown.rules sign-chain.rules --today 2026-01-01
