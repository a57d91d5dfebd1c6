phasegate --max-file-bytes 100 fmt - < sign-chain.rules
