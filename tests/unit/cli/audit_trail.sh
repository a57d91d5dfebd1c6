#!/usr/bin/env bash
# The audit trail end to end: facts imported on three occasions, a decision recorded after each,
# --known-at reproduces each decision, audit diff names the flip, verify passes, and tampering
# with a verdict, a fact snapshot or the tail of the log is caught.
set -euo pipefail
PG=$1; TOP=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
export PHASEGATE_DB=$T/store.db
R=$TOP/rules/isf/isf.rules
F1=$TOP/examples/isf/2025-11-20-briefing.facts
F2=$TOP/examples/isf/2026-02-15-board.facts
printf 'facts "Veto lifted"\n  source "Planning cell"\ncontribution_vetoed("Turkey") = false\n' > "$T/veto-lifted.facts"

fail() { echo "FAIL: $*" >&2; exit 1; }
advise() { local rc=0; "$PG" advise "$R" "$@" || rc=$?; [ $rc -le 2 ] || fail "advise exit $rc"; }
known_at() { "$PG" facts list --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["known_at"])'; }
phases() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps(d["phases"], sort_keys=True))' "$1"; }

i=0
for f in "$F1" "$F2" "$T/veto-lifted.facts"; do
  i=$((i + 1))
  "$PG" facts import "$f" --rules "$R" --actor "planner$i" >/dev/null
  eval "t$i=\$(known_at)"
  advise --db "$PHASEGATE_DB" --record --today 2026-02-16 --actor "planner$i" --format json > "$T/d$i.json"
  sleep 0.05
done

# As known at each moment: the same verdicts as the decision recorded then.
for i in 1 2 3; do
  eval "t=\$t$i"
  advise --db "$PHASEGATE_DB" --known-at "$t" --today 2026-02-16 --format json > "$T/k$i.json"
  [ "$(phases "$T/d$i.json")" = "$(phases "$T/k$i.json")" ] || fail "--known-at $t does not reproduce decision $i"
done
[ "$(phases "$T/d1.json")" != "$(phases "$T/d3.json")" ] || fail "the three situations should differ"

# The diff between decision 2 and 3 names the fact and the flipped phase.
"$PG" audit diff 2 3 > "$T/diff.txt"
grep -q 'contribution_vetoed("Turkey")' "$T/diff.txt" || fail "audit diff does not name the changed fact"
grep -q 'phase2: NO-GO -> GO' "$T/diff.txt" || fail "audit diff does not show phase2 flipping"
[ "$("$PG" audit list | tail -1)" = "3 decision(s)" ] || fail "audit list"

"$PG" audit verify >/dev/null || fail "verify fails on an intact log"
head=$("$PG" audit head)
json_head=$("$PG" audit head --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["id"], d["hash"])')
[ "$json_head" = "3 $head" ] || fail "audit head --format json gives '$json_head', not '3 $head'"

# The JSON of audit and facts commands is the form docs/store.md gives.
"$PG" audit verify --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert set(d) == {"ok", "records", "imports", "replayed", "head", "after_head", "problems"}, sorted(d)' ||
  fail "audit verify --format json is not the documented form"
"$PG" audit show 2 --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
for k in ("facts_known_at", "options", "facts_sha256", "verdicts", "explanation", "prev_hash", "hash"): assert k in d, k
assert "files" in d["ruleset"] and "sha256" in d["ruleset"]["files"][0]
f = d["facts"][0]
for k in ("fact", "name", "args", "value", "record_id", "recorded_by"): assert k in f, k
assert f["record_id"] is not None' || fail "audit show --format json is not the documented form"
"$PG" audit diff 2 3 --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert set(d["ruleset"]) == {"a", "b"} and set(d["today"]) == {"a", "b"}
assert any(f["after"] and f["after"]["name"] == "contribution_vetoed" for f in d["facts"])' ||
  fail "audit diff --format json is not the documented form"

# Deleting the fact import a decision used: the import chain alone just ends earlier, but the
# decision's snapshot names the record, so verify fails and says which decision.
cp "$PHASEGATE_DB" "$T/imports.db"
sqlite3 "$T/imports.db" "DELETE FROM fact_assertion WHERE batch_id = 3; DELETE FROM import_batch WHERE id = 3"
rc=0; "$PG" audit verify --db "$T/imports.db" --head "$head" > "$T/v.txt" || rc=$?
[ $rc -eq 1 ] && grep -q 'decision #3: store-fact-changed' "$T/v.txt" ||
  fail "a deleted fact import that decision 3 used is not caught (exit $rc)"

# Tampering with a stored verdict is caught and the record named.
cp "$PHASEGATE_DB" "$T/clean.db"
sqlite3 "$PHASEGATE_DB" "UPDATE decision SET verdicts = replace(verdicts, 'NO-GO', 'GO') WHERE id = 2"
rc=0; "$PG" audit verify > "$T/v.txt" || rc=$?
[ $rc -eq 1 ] && grep -q 'decision #2' "$T/v.txt" || fail "a changed verdict is not caught (exit $rc)"

# Truncating the tail is caught with --head.
cp "$T/clean.db" "$PHASEGATE_DB"
sqlite3 "$PHASEGATE_DB" "DELETE FROM decision_phase WHERE decision_id = 3; DELETE FROM decision WHERE id = 3"
"$PG" audit verify >/dev/null || fail "a truncated log without --head is still a valid chain"
rc=0; "$PG" audit verify --head "$head" > "$T/v.txt" || rc=$?
[ $rc -eq 1 ] || fail "a truncated tail is not caught with --head (exit $rc)"

# A decision on one phase, while another phase stops with a division by zero: advise gives the
# phase asked about, and the audit replays it the same way.
E=$TOP/tests/golden/cli/phase-runtime-error
"$PG" advise "$E.rules" --facts "$E.facts" --phase later --today 2026-02-16 --db "$T/phases.db" --record >/dev/null ||
  fail "advise --phase later stopped on another phase's runtime error"
"$PG" audit verify --db "$T/phases.db" >/dev/null || fail "a decision on some phases does not replay"

# A missing store is exit 66.
rc=0; "$PG" audit list --db "$T/none.db" 2>/dev/null || rc=$?
[ $rc -eq 66 ] || fail "a missing store gives exit $rc, not 66"
# A recorded --summary says which decision it is, in text and Markdown as in JSON.
cp "$T/clean.db" "$T/summary.db"
for fmt in text markdown; do
  "$PG" advise "$R" --db "$T/summary.db" --record --today 2026-02-16 --summary --format $fmt > "$T/s.txt" || true
  grep -qi 'recorded as decision 4' "$T/s.txt" || grep -qi 'recorded as decision 5' "$T/s.txt" ||
    fail "advise --summary --record --format $fmt does not print the decision id"
done

# A tuple imported as `= true` without the ruleset is stored as a value; the decision read it as the
# tuple it lists. verify must not call that a rewritten record, and must still see a real rewrite.
printf 'facts "Sectors"\nsector("Rafah") = true\n' > "$T/sectors.facts"
"$PG" facts import "$T/sectors.facts" --db "$T/tuple.db" > /dev/null
"$PG" advise "$R" --db "$T/tuple.db" --record --today 2026-02-16 > /dev/null || true
"$PG" audit verify --db "$T/tuple.db" > /dev/null || fail "audit verify fails a store holding sector(...) = true"
sqlite3 "$T/tuple.db" "update fact_assertion set value='false' where name='sector'" 2>/dev/null && {
  if "$PG" audit verify --db "$T/tuple.db" > /dev/null 2>&1; then fail "audit verify missed sector(...) rewritten to false"; fi
}
# Stored JSON rewritten into other shapes is reported (verify, exit 1) or shown as it is, never an
# internal error (exit 70).
cp "$T/tuple.db" "$T/shapes.db"
"$PG" advise "$R" --db "$T/shapes.db" --record --today 2026-02-16 > /dev/null || true
sqlite3 "$T/shapes.db" "update decision set rules_files='[{\"path\":1,\"sha256\":2}]', verdicts='[1, {\"phase\": 2, \"reasons\": 3}]' where id = 2"
set +e
"$PG" audit verify --db "$T/shapes.db" > /dev/null 2>&1; rc=$?
[ $rc -eq 1 ] || fail "audit verify of a reshaped decision exits $rc, not 1"
for cmd in "show 2" "diff 1 2"; do
  "$PG" audit $cmd --db "$T/shapes.db" > /dev/null 2>&1; rc=$?
  [ $rc -ne 70 ] || fail "audit $cmd of a reshaped decision is an internal error"
done
set -e
# Another application's SQLite database is refused (66) and left as it was: not switched to WAL.
sqlite3 "$T/other.db" "create table t(x); insert into t values (1);"
before=$(od -An -tx1 -j18 -N2 "$T/other.db")
set +e
"$PG" facts list --db "$T/other.db" > /dev/null 2>&1; rc=$?
set -e
[ $rc -eq 66 ] || fail "a foreign database gives exit $rc, not 66"
[ "$(od -An -tx1 -j18 -N2 "$T/other.db")" = "$before" ] || fail "a refused foreign database was changed"
# A name the store would keep forever must be readable: invalid UTF-8 or control characters are refused.
set +e
"$PG" facts import "$F1" --db "$T/actor.db" --actor $'a\xffb' > /dev/null 2>&1; rc=$?
set -e
[ $rc -eq 64 ] || fail "--actor with invalid UTF-8 gives exit $rc, not 64"
[ ! -e "$T/actor.db" ] || fail "--actor with invalid UTF-8 created the store"
"$PG" facts import "$F1" --db "$T/actor.db" --actor 'Zoë' > /dev/null
# A decision that cannot be made (no such phase, broken rules) creates no store.
set +e
"$PG" advise "$R" --db "$T/none.db" --record --phase nosuch > /dev/null 2>&1; rc=$?
set -e
[ $rc -eq 64 ] || fail "advise --record --phase nosuch gives exit $rc, not 64"
[ ! -e "$T/none.db" ] || fail "advise --record --phase nosuch created the store"
printf 'ruleset broken "b"
phase p "p"
  require r: nosuch because "x"
' > "$T/broken.rules"
set +e
"$PG" advise "$T/broken.rules" --db "$T/none.db" --record > /dev/null 2>&1; rc=$?
set -e
[ $rc -eq 65 ] || fail "advise --record with broken rules gives exit $rc, not 65"
[ ! -e "$T/none.db" ] || fail "advise --record with broken rules created the store"
# An empty file is not a store: a read command says so (66) and leaves it empty.
: > "$T/empty.db"
for cmd in "facts list" "audit list" "audit verify" "audit head"; do
  set +e
  "$PG" $cmd --db "$T/empty.db" > /dev/null 2>&1; rc=$?
  set -e
  [ $rc -eq 66 ] || fail "$cmd on an empty file gives exit $rc, not 66"
  [ ! -s "$T/empty.db" ] || fail "$cmd turned an empty file into a store"
done
# A store in a folder this user cannot write (an archive): still listed and verified, and not changed.
# (Run as root, the check takes another user's rights; otherwise the folder is made read-only.)
mkdir "$T/archive"
"$PG" facts import "$F1" --db "$T/archive/s.db" > /dev/null
"$PG" advise "$R" --db "$T/archive/s.db" --record --today 2026-03-01 --phase phase1 > /dev/null
cp "$PG" "$T/pg"; chmod 755 "$T" "$T/pg" "$T/archive"; chmod 644 "$T/archive/s.db"
as_reader=()
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null && id nobody > /dev/null 2>&1; then
  as_reader=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
else
  chmod 555 "$T/archive"
fi
before=$(sha256sum "$T/archive/s.db")
"${as_reader[@]}" "$T/pg" audit verify --db "$T/archive/s.db" > "$T/ro.txt" 2>&1 || fail "audit verify of a read-only store: $(cat "$T/ro.txt")"
"${as_reader[@]}" "$T/pg" facts list --db "$T/archive/s.db" > "$T/ro.txt" 2>&1 || fail "facts list of a read-only store: $(cat "$T/ro.txt")"
[ "$(sha256sum "$T/archive/s.db")" = "$before" ] || fail "reading a read-only store changed it"
[ -z "$(ls "$T/archive" | grep -v '^s.db$')" ] || fail "reading a read-only store left files: $(ls "$T/archive")"
chmod 755 "$T/archive"
# A fact taken from the store names the facts file and line it was imported from, with its record.
"$PG" audit show 1 > "$T/show1.txt"
line=$(grep -n '^disarmament_clarity' "$F1" | cut -d: -f1)
grep -q "disarmament_clarity = partial .*2025-11-20-briefing.facts:$line)" "$T/show1.txt" ||
  fail "audit show does not name the import's file and line ($line): $(grep disarmament_clarity "$T/show1.txt")"
# A fact given twice in one file keeps both lines in the store's history; the last is the state.
printf 'facts "twice"\n  source "s"\ncommittee_in_place = true\ncommittee_in_place = false\n' > "$T/twice.facts"
"$PG" facts import "$T/twice.facts" --db "$T/twice.db" --rules "$R" > /dev/null || fail "import of twice.facts"
[ "$("$PG" facts history committee_in_place --db "$T/twice.db" | wc -l)" -eq 2 ] ||
  fail "a fact given twice in one file lost a line: $("$PG" facts history committee_in_place --db "$T/twice.db")"
listed=$("$PG" facts list --db "$T/twice.db")
grep -q '^committee_in_place = false' <<<"$listed" || fail "the last line is not the state"
# A store whose pages are damaged (the decision table's first page overwritten) is a corrupt file:
# exit 74 (CLI.md), never 0 and never 1 as if a record had been altered; the report still says why.
cp "$PHASEGATE_DB" "$T/damaged.db"
python3 - "$T/damaged.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
page = c.execute("PRAGMA page_size").fetchone()[0]
root = c.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'decision'").fetchone()[0]
c.close()
with open(sys.argv[1], "r+b") as f:
    f.seek((root - 1) * page + 8)
    f.write(b"\x7f" * 64)
PY
rc=0; "$PG" audit verify --db "$T/damaged.db" > "$T/v.txt" 2> "$T/err.txt" || rc=$?
[ $rc -eq 74 ] || fail "audit verify of a damaged store exits $rc, not 74: $(cat "$T/v.txt" "$T/err.txt")"
grep -q 'store-corrupt' "$T/v.txt" || fail "audit verify of a damaged store does not say so: $(cat "$T/v.txt")"
grep -q 'corrupt' "$T/err.txt" || fail "audit verify of a damaged store gives no message: $(cat "$T/err.txt")"
echo "audit trail: ok"
