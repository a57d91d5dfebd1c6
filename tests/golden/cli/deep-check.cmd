phasegate --max-nesting 1024 check deep.rules
