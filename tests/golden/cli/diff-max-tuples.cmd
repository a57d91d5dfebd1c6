phasegate diff limits/chain.rules limits/chain.rules --facts limits/chain.facts --max-tuples 5
