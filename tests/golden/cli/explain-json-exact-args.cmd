phasegate explain exact-args.rules --facts exact-args.facts --today 2026-02-02 --phase "ship(123456789.123456789)" --format json
