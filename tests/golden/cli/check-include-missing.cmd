phasegate check include-missing.rules
