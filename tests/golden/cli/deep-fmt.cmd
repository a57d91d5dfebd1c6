phasegate --max-nesting 1024 fmt - < deep.rules
