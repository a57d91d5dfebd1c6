#!/usr/bin/env bash
# File names that are not UTF-8: every --format json output stays valid JSON (the bytes as U+FFFD),
# and recording on them works; no "internal error" (exit 70).
set -euo pipefail
PG=$1
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
B="$T/$(printf 'bad\xffname.rules')"; F="$T/$(printf 'f\xfe.facts')"
printf 'ruleset r "t"\nfact a: bool\nphase p "P"\n  require a\n    because "b"\n' > "$B"
printf 'facts "f"\na = unknown\n' > "$F"
valid() {  # valid JSON from the command, and an exit code it may give
  local what=$1; shift
  local rc=0; "$@" > "$T/out" 2>"$T/err" || rc=$?
  [ $rc -le 2 ] || fail "$what: exit $rc: $(cat "$T/err")"
  python3 -m json.tool "$T/out" >/dev/null 2>&1 || fail "$what: not valid JSON"
}
valid "check" "$PG" check "$B" --format json
valid "advise --record" "$PG" advise "$B" --facts "$F" --record --db "$T/u.db" --format json
"$PG" facts import "$F" --db "$T/u.db" --rules "$B" >/dev/null
valid "facts list" "$PG" facts list --db "$T/u.db" --format json
valid "facts history" "$PG" facts history a --db "$T/u.db" --format json
valid "advise --explain" "$PG" advise "$B" --facts "$F" --format json --explain
valid "explain" "$PG" explain "$B" --facts "$F" --phase p --format json
valid "audit show" "$PG" audit show 1 --db "$T/u.db" --format json
"$PG" audit verify --db "$T/u.db" >/dev/null || fail "audit verify: exit $?"
echo "ok"
