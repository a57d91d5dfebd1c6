phasegate check ../../../rules/isf/isf.rules --facts facts-partial-items.facts
