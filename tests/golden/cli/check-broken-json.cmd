phasegate check broken.rules --format json
