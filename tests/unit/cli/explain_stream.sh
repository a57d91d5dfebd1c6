#!/usr/bin/env bash
# advise --explain --format json streams its explanations (built on several threads, batch by
# batch); a recorded decision builds them all first and logs them as one JSON text. The table,
# the recorded table and the log's explanations must agree, over more rows than one batch holds.
set -euo pipefail
PG=$1; TOP=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
R=$TOP/bench/policy/policy.rules
{
  echo 'facts "Generated units"'
  echo '  source "explain_stream.sh"'
  for u in $(seq 1 700); do
    echo "unit($u)"
    echo "kind($u, $((u % 3 + 1)))"
    echo "region($u, $((u % 2 + 1)))"
    echo "status($u, $((u % 4)))"
    [ $((u % 5)) -ne 0 ] && echo "fuel($u) = $((u % 70))"
    [ $((u % 3)) -ne 0 ] && echo "power($u)"
    [ $((u % 4)) -ne 0 ] && echo "comms($u)"
    echo "staff($u, $((u % 40)))"
    echo "equip($u, 1, $((u % 5)), 10)"
  done
  for k in 1 2 3; do echo "kindp($k, 20, 1, 30)"; done
  echo 'alert(2)'
} > "$T/units.facts"

rc=0; "$PG" advise "$R" --facts "$T/units.facts" --today 2026-11-24 --explain --format json > "$T/streamed.json" || rc=$?
[ $rc -le 2 ] || { echo "FAIL: advise exit $rc" >&2; exit 1; }
rc=0; "$PG" advise "$R" --facts "$T/units.facts" --today 2026-11-24 --explain --record --db "$T/s.db" --format json \
  > "$T/recorded.json" || rc=$?
[ $rc -le 2 ] || { echo "FAIL: advise --record exit $rc" >&2; exit 1; }
"$PG" audit show 1 --db "$T/s.db" --format json > "$T/logged.json"
"$PG" audit verify --db "$T/s.db" > /dev/null
python3 - "$T" <<'PY'
import json, sys
t = sys.argv[1]
s = json.load(open(t + "/streamed.json"))
r = json.load(open(t + "/recorded.json"))
logged = json.load(open(t + "/logged.json"))["explanation"]
assert logged == [p["explanation"] for p in s["phases"]], "the log's explanations are not the table's"
rows = s["phases"]
assert len(rows) > 600, len(rows)
assert all(isinstance(p.get("explanation"), dict) for p in rows), "a row without its explanation"
assert rows == r["phases"], "streamed and recorded explanations differ"
for p in rows:
  e = p["explanation"]
  assert (e["phase"], e["args"], e["verdict"]) == (p["phase"], p["args"], p["verdict"]), p["phase"]
print(len(rows), "rows: the streamed explanations are the recorded ones, each of its own row")
PY
