phasegate fmt - < messy.rules
