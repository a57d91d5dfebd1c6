#!/usr/bin/env bash
# Facts imported without --rules and read by a ruleset: a name the ruleset does not declare is left out
# with a warning that names it and the nearest declared name (it was silent: the fact read as unknown);
# a value of the wrong type is an error naming the file and line it was imported from.
set -euo pipefail
PG=$1
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
printf 'ruleset m "M"\nfact ready: bool "ready"\nfact lvl: level { low < high } "lvl"\nphase go "Go"\n  require ready because "x"\n' > "$T/m.rules"
printf 'facts "typo"\nReady = true\n' > "$T/typo.facts"
printf 'facts "bad"\nready = yes\nlvl = medium\n' > "$T/bad.facts"
"$PG" facts import "$T/typo.facts" --db "$T/a.db" >/dev/null
rc=0; "$PG" advise "$T/m.rules" --db "$T/a.db" --today 2026-12-01 >/dev/null 2>"$T/err" || rc=$?
[ $rc -eq 2 ] || fail "advise on the misspelt fact: exit $rc"
grep -q 'Ready.*did you mean `ready`' "$T/err" || fail "no warning naming the fact left out: $(cat "$T/err")"
"$PG" facts import "$T/bad.facts" --db "$T/b.db" >/dev/null
rc=0; "$PG" advise "$T/m.rules" --db "$T/b.db" --today 2026-12-01 >/dev/null 2>"$T/err" || rc=$?
[ $rc -eq 65 ] || fail "advise on a badly typed store fact: exit $rc"
grep -q 'bad.facts:2).*error\[E0602\]' "$T/err" || fail "the error does not name the file and line imported from: $(cat "$T/err")"
grep -q 'bad.facts:3).*error\[E0604\]' "$T/err" || fail "the second error does not name its line: $(cat "$T/err")"
# facts import --format json gives the import as store.md documents it.
"$PG" facts import "$T/typo.facts" --db "$T/j.db" --format json > "$T/imp.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert sorted(d) == ["batch", "count", "recorded_at"] and d["batch"] == 1 and d["count"] == 1, d' "$T/imp.json" || fail "facts import --format json: $(cat "$T/imp.json")"
echo "ok"
