phasegate audit list --limit -1
