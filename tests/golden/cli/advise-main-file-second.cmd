phasegate advise main-file-order/a_extra.rules main-file-order/main.rules --assume 'a = true' --today 2026-01-01
