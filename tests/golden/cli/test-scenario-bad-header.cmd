phasegate test scenario-bad-header.scenarios
