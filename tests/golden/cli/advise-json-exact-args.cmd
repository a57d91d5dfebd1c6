phasegate advise exact-args.rules --facts exact-args.facts --today 2026-02-02 --format json
