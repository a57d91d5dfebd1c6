phasegate --max-file-bytes -5 check ../../../rules/isf/isf.rules
