phasegate advise main-file-order --assume 'a = true' --today 2026-01-01 --format json
