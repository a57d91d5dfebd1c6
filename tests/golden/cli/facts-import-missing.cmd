phasegate facts import no-such-briefing.facts
