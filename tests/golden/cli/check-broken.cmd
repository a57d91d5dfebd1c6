phasegate check broken.rules
