#!/usr/bin/env bash
# Concurrency test of the command line: several `phasegate facts import` and `phasegate advise --record`
# processes at once on one new store. Every one must succeed (no "database is locked"), nothing may be lost,
# and `audit verify` must pass.
#
# usage: concurrency_test.sh PHASEGATE RULES FACTS... (env: WORKERS, default 6; ROUNDS per worker, default 8)
# Exits 77 (skipped) when this phasegate has no `facts` / `audit` subcommands yet.
set -u
PG=${1:?usage: concurrency_test.sh PHASEGATE RULES FACTS...}
RULES=${2:?rules file}
shift 2
FACTS=("$@")
[ ${#FACTS[@]} -gt 0 ] || { echo "concurrency_test.sh: give at least one facts file" >&2; exit 64; }
WORKERS=${WORKERS:-6}
ROUNDS=${ROUNDS:-8}

"$PG" facts --help >/dev/null 2>&1 && "$PG" audit --help >/dev/null 2>&1 || { echo "skipped: no facts/audit subcommands"; exit 77; }
command -v sqlite3 >/dev/null || { echo "skipped: no sqlite3 shell"; exit 77; }

DIR=$(mktemp -d "${TMPDIR:-/tmp}/pg-conc-XXXXXX")
trap 'rm -rf "$DIR"' EXIT
DB="$DIR/busy.db"  # not created yet: the workers race to create it

worker() {
  local w=$1 r f rc
  for ((r = 0; r < ROUNDS; r++)); do
    f=${FACTS[$(((w + r) % ${#FACTS[@]}))]}
    "$PG" facts import "$f" --db "$DB" --rules "$RULES" --actor "w$w-r$r" >/dev/null 2>>"$DIR/err.$w" ||
      { echo "worker $w round $r: facts import exit $?" >>"$DIR/fail"; }
    "$PG" advise "$RULES" --db "$DB" --record --today 2026-11-24 --actor "w$w-r$r" >/dev/null 2>>"$DIR/err.$w"
    rc=$?
    [ $rc -le 2 ] || echo "worker $w round $r: advise --record exit $rc" >>"$DIR/fail"
  done
}

for ((w = 0; w < WORKERS; w++)); do worker "$w" & done
wait

status=0
fail() { echo "FAIL: $*" >&2; status=1; }
sql() { sqlite3 -cmd '.timeout 10000' "$DB" "$1"; }
if [ -s "$DIR/fail" ]; then
  fail "$(wc -l <"$DIR/fail") command(s) failed"
  head -5 "$DIR/fail" >&2
  cat "$DIR"/err.* | head -5 >&2
fi
grep -il 'locked' "$DIR"/err.* >/dev/null 2>&1 && fail "a process reported a locked database"
expected=$((WORKERS * ROUNDS))
[ "$(sql 'SELECT count(*) FROM decision')" = "$expected" ] || fail "expected $expected decisions, found $(sql 'SELECT count(*) FROM decision')"
[ "$(sql 'SELECT count(*) FROM import_batch')" = "$expected" ] || fail "expected $expected imports, found $(sql 'SELECT count(*) FROM import_batch')"
[ "$(sql 'PRAGMA integrity_check')" = "ok" ] || fail "integrity_check failed"
"$PG" audit verify --db "$DB" >"$DIR/verify" 2>&1 || { fail "audit verify failed"; cat "$DIR/verify" >&2; }
echo "$WORKERS workers x $ROUNDS rounds: $(sql 'SELECT count(*) FROM decision') decisions, $(sql 'SELECT count(*) FROM import_batch') imports; ok=$([ $status -eq 0 ] && echo yes || echo no)"
exit $status
