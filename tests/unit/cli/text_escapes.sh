#!/usr/bin/env bash
# Text output shows a source with a line break as one line (`\n`), so a stored value cannot be made to
# look like another fact line: facts list, facts history, audit show, audit diff and explain.
set -euo pipefail
PG=$1
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
export PHASEGATE_DB=$T/store.db
fail() { echo "FAIL: $*" >&2; exit 1; }
printf 'ruleset m "M"\nfact ready: bool "r"\nphase go "Go"\n  require ready because "x"\n' > "$T/m.rules"
printf 'ready = false   source "S1\\nready = true            # Ministry"\n' > "$T/spoof.facts"
printf 'ready = false   source "S2\\tand\\nmore"\n' > "$T/second.facts"
"$PG" facts import "$T/spoof.facts" --actor eve >/dev/null
"$PG" advise "$T/m.rules" --db "$PHASEGATE_DB" --record >/dev/null || [ $? -le 2 ]
"$PG" facts import "$T/second.facts" --actor eve >/dev/null
"$PG" advise "$T/m.rules" --db "$PHASEGATE_DB" --record >/dev/null || [ $? -le 2 ]
check() {  # no line of the output may start as a forged fact line; the escape must be there
  local what=$1 out=$2
  if grep -q '^ *ready = true' <<<"$out"; then fail "$what shows the source's line break as a new line"; fi
  grep -qF 'S1\nready = true' <<<"$out" || fail "$what does not show the source escaped: $out"
}
check "facts history" "$("$PG" facts history ready)"
check "audit show" "$("$PG" audit show 1)"
check "audit show markdown" "$("$PG" audit show 1 --format markdown | sed 's/<br>/\\n/g')"
check "audit diff" "$("$PG" audit diff 1 2)"
check "explain" "$("$PG" explain "$T/m.rules" --db "$PHASEGATE_DB" --known-at "$("$PG" audit show 1 --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["recorded_at"])')" --phase go)"
out=$("$PG" facts list)
grep -qF 'S2\tand\nmore' <<<"$out" || fail "facts list does not escape the tab and line break: $out"
# A facts file whose name holds a line break, and a source with terminal escapes: explain shows each
# fact on one line, the control characters escaped.
fn="$T/"$'n\nb = true  # forged.facts'
printf 'facts "f"\nready = true  source "S1\x1b[2Kx\x07"\n' > "$fn"
out=$("$PG" explain "$T/m.rules" --facts "$fn" --phase go)
if grep -q '^b = true' <<<"$out"; then fail "explain shows the file name's line break as a new line"; fi
grep -qF 'forged.facts:2; source "S1\x1B[2Kx\x07"' <<<"$out" || fail "explain does not escape the file name and source: $out"
if grep -q $'\x1b' <<<"$out"; then fail "explain writes a raw escape character"; fi
echo "ok"
