#!/usr/bin/env bash
# The decision log's hashes are the ones docs/store.md defines, recomputed here from the stored
# columns by an independent implementation (Python's hashlib): for decisions recorded with and
# without explanations, each hash is SHA-256(canonical content || prev_hash), the chain links, and
# facts_sha256 and the rules files' hashes name the stored texts. An auditor can check the log
# without phasegate; a change to how phasegate computes them (streamed, not copied) must not alter them.
set -euo pipefail
PG=$1; TOP=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
R=$TOP/rules/isf/isf.rules
F=$TOP/examples/isf/2025-11-20-briefing.facts
fail() { echo "FAIL: $*" >&2; exit 1; }
rec() { local rc=0; "$PG" advise "$R" --facts "$F" --db "$T/s.db" --record --today 2026-02-16 "$@" >/dev/null || rc=$?; [ $rc -le 2 ] || fail "advise $* exit $rc"; }
rec
rec --explain --format json
rec --actor "auditor with ünicode"
rec --explain --format json --assume 'commander_appointed = true'
python3 - "$T/s.db" <<'PY' || fail "the stored hashes are not the documented ones"
import hashlib, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
cols = ["id", "recorded_at", "actor", "ruleset_name", "ruleset_version", "ruleset_sha256", "rules_files",
        "facts_sha256", "today", "known_at", "facts_known_at", "options", "verdicts", "explanation"]
rows = db.execute("SELECT " + ", ".join(cols) + ", prev_hash, hash FROM decision ORDER BY id").fetchall()
assert len(rows) == 4, len(rows)
prev = "0" * 64
explained = 0
for row in rows:
    content = b"phasegate-decision/1\n"
    for name, value in zip(cols, row):
        v = ("" if value is None else str(value)).encode("utf-8")
        content += name.encode() + b" " + str(len(v)).encode() + b":" + v + b"\n"
    want = hashlib.sha256(content + prev.encode()).hexdigest()
    d = dict(zip(cols + ["prev_hash", "hash"], row))
    assert d["prev_hash"] == prev, (d["id"], "prev_hash", d["prev_hash"], prev)
    assert d["hash"] == want, (d["id"], d["hash"], want)
    if d["explanation"]:
        explained += 1
        json.loads(d["explanation"])
    body = db.execute("SELECT body FROM fact_snapshot WHERE sha256 = ?", (d["facts_sha256"],)).fetchone()
    assert body and hashlib.sha256(body[0].encode("utf-8")).hexdigest() == d["facts_sha256"], d["id"]
    for f in json.loads(d["rules_files"]):
        text = db.execute("SELECT text FROM rules_text WHERE sha256 = ?", (f["sha256"],)).fetchone()
        assert text and hashlib.sha256(text[0].encode("utf-8")).hexdigest() == f["sha256"], f
    prev = d["hash"]
assert explained == 2, explained
PY
"$PG" audit verify --db "$T/s.db" >/dev/null || fail "audit verify fails the log"
echo "chain hash: ok"
