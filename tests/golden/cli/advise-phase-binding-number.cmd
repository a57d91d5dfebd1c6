phasegate advise binding-numbers.rules --facts binding-numbers.facts --today 2026-01-01 --phase 'p(2.0, 2026-01-01, "Y")' --phase 'p(+1_500,2026-01-01,"a, b")' --format json
