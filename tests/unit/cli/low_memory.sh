#!/usr/bin/env bash
# Short of memory (ulimit -v), recording a decision on a large store and verifying the log end with
# "out of memory" and exit 74 or succeed: never an abort (a JSON tree of the whole fact snapshot
# allocated in its destructor), and verify never blames a record for the machine's shortage.
set -euo pipefail
PG=$1
# ldd's output is taken whole before it is searched: under pipefail, `ldd | grep -q` fails whenever
# grep's early exit kills ldd with SIGPIPE, and the sanitizer build then ran the limits it cannot meet.
libs=$(ldd "$PG" 2>/dev/null || true)
if grep -q 'libasan\|libtsan' <<<"$libs"; then echo "skipped: sanitizers reserve more address space than the limits here"; exit 0; fi
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cat > "$T/big.rules" <<'RULES'
ruleset r "t"
fact v(x: text): number in 0..1_000_000
phase tot "T"
  require total: sum(v(x)) > 1000
    because "b"
RULES
python3 -c "
print('facts \"big\"')
for i in range(100000): print(f'v(\"k{i}\") = {i % 100}')" > "$T/m.facts"
"$PG" facts import "$T/m.facts" --db "$T/m.db" --rules "$T/big.rules" >/dev/null
cp "$T/m.db" "$T/full.db"
"$PG" advise "$T/big.rules" --db "$T/full.db" --record >/dev/null || fail "recording with enough memory: exit $?"
for kb in 150000 200000 250000; do
  cp "$T/m.db" "$T/try.db"
  rc=0; (ulimit -v $kb; exec "$PG" advise "$T/big.rules" --db "$T/try.db" --record) >/dev/null 2>"$T/err" || rc=$?
  [ $rc -eq 0 ] || [ $rc -eq 74 ] || fail "advise --record at ulimit -v $kb: exit $rc: $(cat "$T/err")"
  rc=0; (ulimit -v $kb; exec "$PG" audit verify --db "$T/full.db") >"$T/out" 2>"$T/err" || rc=$?
  [ $rc -eq 0 ] || [ $rc -eq 74 ] || fail "audit verify at ulimit -v $kb: exit $rc: $(cat "$T/out" "$T/err")"
  if grep -q FAIL "$T/out"; then fail "audit verify at ulimit -v $kb blames a record: $(cat "$T/out")"; fi
done
echo "ok"
