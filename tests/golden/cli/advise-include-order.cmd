phasegate advise include-order.rules --assume "mandate = true" --assume "plan_ready = true" --today 2026-02-02 --format json
