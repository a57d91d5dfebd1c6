phasegate diff ../../../rules/isf/isf.rules tightened.rules --scenarios ../../../rules/isf --today 2026-02-16
