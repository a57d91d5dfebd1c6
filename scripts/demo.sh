#!/usr/bin/env bash
# The main job on the shipped example: check the ISF ruleset, then advise on two dated situations.
# Exits 0 when the job ran, whatever the advice says (advise exits 1 or 2 for NO-GO or UNDETERMINED).
set -u
bin=${1:-build/phasegate}
run() {
  printf '\n$ phasegate %s\n' "$*"
  "$bin" "$@"
  local rc=$?
  case $rc in
    0|1|2) return 0 ;;
    *) echo "demo: phasegate $1 failed with exit code $rc" >&2; exit "$rc" ;;
  esac
}
"$bin" check rules/isf || exit $?
run advise rules/isf/isf.rules --facts examples/isf/2025-11-20-briefing.facts --today 2025-11-24
run advise rules/isf/isf.rules --facts examples/isf/2025-11-20-briefing.facts \
  --facts examples/isf/2026-02-15-board.facts --today 2026-02-16
run explain rules/isf/isf.rules --facts examples/isf/2025-11-20-briefing.facts \
  --facts examples/isf/2026-02-15-board.facts --today 2026-02-16 --phase phase2
exit 0
