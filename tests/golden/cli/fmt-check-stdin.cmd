phasegate fmt --check - < messy.rules
