#!/usr/bin/env bash
# Prints the README's tour of the command with real output (run from the repo root; paste between the tour markers).
set -u
pg=${1:-build/phasegate}
export NO_COLOR=1
db=$(mktemp -d)/tour.db
show() { printf '$ %s\n' "$*"; "$@" 2>&1 | sed "s#$pg#phasegate#"; printf '\n'; }
R=rules/isf/isf.rules
F1=examples/isf/2025-11-20-briefing.facts
F2=examples/isf/2026-02-15-board.facts
echo '```console'
show "$pg" check rules/isf
show "$pg" advise $R --facts $F1 --facts $F2 --today 2026-02-16 --phase phase2 --phase handover
show "$pg" advise $R --facts $F1 --facts $F2 --today 2026-02-16 --phase phase2 --assume 'contribution_vetoed("Turkey") = false' --format json
show "$pg" test rules/isf --today 2026-02-16
show "$pg" facts import $F1 --rules $R --db $db --actor alice
echo '```'
