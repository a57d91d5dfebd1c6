#!/usr/bin/env bash
# Results that cannot be written to standard output (a full disk: /dev/full; stdout closed) make the
# command exit 74 with a message, instead of 0 ("all GO", "exported") with nothing written.
set -uo pipefail
PG=$1
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
cd "$T"
printf 'facts "f"\n  source "s"\nok = true\n' > f.facts
printf 'ruleset r "R"\nfact ok: bool "OK"\nphase p "P"\n  require ok because "x"\n' > r.rules
"$PG" facts import f.facts --db s.db > /dev/null || { echo "import failed"; exit 1; }
fail=0
expect74() {  # description, then the command (its stdout goes to /dev/full or is closed by the caller)
  local what=$1 rc=$2
  if [ "$rc" -ne 74 ]; then echo "$what: exit $rc, expected 74"; fail=1; fi
  grep -q 'cannot write the results to standard output' err.txt || { echo "$what: no message"; cat err.txt; fail=1; }
}
[ -w /dev/full ] || { echo "no /dev/full here: nothing to test"; exit 0; }
"$PG" facts export --db s.db > /dev/full 2> err.txt; expect74 "facts export > /dev/full" $?
"$PG" facts list --db s.db > /dev/full 2> err.txt; expect74 "facts list > /dev/full" $?
"$PG" fmt - < r.rules > /dev/full 2> err.txt; expect74 "fmt - > /dev/full" $?
"$PG" advise r.rules --facts f.facts --format json > /dev/full 2> err.txt; expect74 "advise --format json > /dev/full" $?
"$PG" audit list --db s.db > /dev/full 2> err.txt; expect74 "audit list > /dev/full" $?
"$PG" facts export --db s.db >&- 2> err.txt; expect74 "facts export, stdout closed" $?
# Recorded, but the id never reached the caller: stderr says which decision is in the log.
"$PG" advise r.rules --db s.db --record > /dev/full 2> err.txt; expect74 "advise --record > /dev/full" $?
grep -q 'decision 1 was recorded' err.txt || { echo "advise --record > /dev/full: the recorded id is not reported"; cat err.txt; fail=1; }
"$PG" advise r.rules --db s.db --record >&- 2> err.txt; expect74 "advise --record, stdout closed" $?
grep -q 'decision 2 was recorded' err.txt || { echo "advise --record, stdout closed: the recorded id is not reported"; cat err.txt; fail=1; }
# The reader of a pipe gone (`| true`): not killed by SIGPIPE in silence, but 74 and the id.
rc=$(python3 -c 'import os, subprocess, sys
r, w = os.pipe(); os.close(r)  # a pipe whose reader is gone before the command writes
with open("err.txt", "w") as err:
    print(subprocess.run(sys.argv[1:], stdout=w, stderr=err).returncode)' "$PG" advise r.rules --db s.db --record --format json)
expect74 "advise --record | true" $rc
grep -q 'decision 3 was recorded' err.txt || { echo "advise --record | true: the recorded id is not reported"; cat err.txt; fail=1; }
# Written: the exit code is the command's own (advise: 0, all GO).
"$PG" advise r.rules --facts f.facts > out.txt 2> err.txt || { echo "advise to a file failed"; fail=1; }
exit $fail
