phasegate diff diff-versions/old.rules diff-versions/new.rules --facts diff-versions/f.facts --assume "interim = true" --assume "a = false" --today 2026-02-16 --format json
