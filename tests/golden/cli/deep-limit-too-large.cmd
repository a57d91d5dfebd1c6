phasegate --max-nesting 2000 check deep.rules
