phasegate fmt - < sign-chain.rules
