#!/usr/bin/env bash
# Values that would silently change a command's meaning are refused (exit 64): an empty --known-at
# (it read as "now"), an empty or malformed --head (the truncation check was skipped). A head copied
# in upper case is the same hash (it raised a false tamper alarm).
set -uo pipefail
PG=$1 TOP=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
cd "$T"
R=$TOP/rules/isf/isf.rules
"$PG" facts import "$TOP/examples/isf/2025-11-20-briefing.facts" --db s.db > /dev/null || { echo "import failed"; exit 1; }
"$PG" advise "$R" --db s.db --today 2026-02-16 --record > /dev/null
fail=0
expect() {  # want, description, command...
  local want=$1 what=$2; shift 2
  "$@" > out.txt 2>&1; local rc=$?
  if [ "$rc" -ne "$want" ]; then echo "$what: exit $rc, expected $want"; cat out.txt; fail=1; fi
}
expect 64 "advise --known-at ''" "$PG" advise "$R" --db s.db --today 2026-02-16 --known-at ""
expect 64 "facts list --known-at ''" "$PG" facts list --db s.db --known-at ""
expect 64 "facts export --known-at ''" "$PG" facts export --db s.db --known-at ""
expect 64 "audit list --from ''" "$PG" audit list --db s.db --from ""
expect 64 "audit verify --head ''" "$PG" audit verify --db s.db --head ""
expect 64 "audit verify --head not-a-hash" "$PG" audit verify --db s.db --head not-a-hash
# A malformed moment is a usage error whether or not the store exists (it was 66 without one).
expect 64 "advise --known-at garbage, no store" "$PG" advise "$R" --db none.db --today 2026-02-16 --known-at garbage
expect 64 "explain --known-at 2026-13-01, no store" "$PG" explain "$R" --db none.db --phase phase1 --known-at 2026-13-01
expect 64 "facts list --known-at garbage, no store" "$PG" facts list --db none.db --known-at garbage
expect 64 "audit list --to garbage, no store" "$PG" audit list --db none.db --to garbage
expect 66 "advise --known-at a good moment, no store" "$PG" advise "$R" --db none.db --today 2026-02-16 --known-at 2026-02-01T10:00+02:00
# A negative --max-sets wrapped round to a huge budget.
expect 64 "explain --max-sets -1" "$PG" explain "$R" --phase phase1 --max-sets -1
expect 64 "explain --max-sets 0" "$PG" explain "$R" --phase phase1 --max-sets 0
# A decision id too long for the log's ids was read as the largest one ("no decision 9223372036854775807").
expect 64 "audit show 99999999999999999999999" "$PG" audit show 99999999999999999999999 --db s.db
expect 64 "audit show 0" "$PG" audit show 0 --db s.db
expect 64 "audit diff 1 x" "$PG" audit diff 1 x --db s.db
expect 66 "audit show 99" "$PG" audit show 99 --db s.db
head=$("$PG" audit head --db s.db)
expect 0 "audit verify --head HEAD" "$PG" audit verify --db s.db --head "$head"
expect 0 "audit verify --head HEAD in upper case" "$PG" audit verify --db s.db --head "${head^^}"
exit $fail
