#!/usr/bin/env bash
# Many processes create one new store at the same moment, ROUNDS times. None may call it "not a phasegate
# store": a process that read the header before the creator committed and the table list after it once did.
#
# usage: create_race_test.sh PHASEGATE RULES FACTS   (env: ROUNDS, default 40; WORKERS, default 10)
set -u
PG=${1:?usage: create_race_test.sh PHASEGATE RULES FACTS}
RULES=${2:?rules file}
FACTS=${3:?facts file}
ROUNDS=${ROUNDS:-40}
WORKERS=${WORKERS:-10}
"$PG" facts --help >/dev/null 2>&1 || { echo "skipped: no facts subcommand"; exit 77; }

DIR=$(mktemp -d "${TMPDIR:-/tmp}/pg-race-XXXXXX")
trap 'rm -rf "$DIR"' EXIT
status=0
for ((r = 0; r < ROUNDS; r++)); do
  for ((w = 0; w < WORKERS; w++)); do
    "$PG" facts import "$FACTS" --db "$DIR/r$r.db" --rules "$RULES" --actor "w$w" >/dev/null 2>>"$DIR/err.$r" &
  done
  wait
  if [ -s "$DIR/err.$r" ]; then
    echo "FAIL: round $r:" >&2
    head -3 "$DIR/err.$r" >&2
    status=1
  fi
done
echo "$ROUNDS rounds x $WORKERS processes creating a store: $([ $status -eq 0 ] && echo ok || echo FAILED)"
exit $status
