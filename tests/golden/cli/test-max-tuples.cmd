phasegate test limits/chain.scenarios --max-tuples 5
