#!/usr/bin/env bash
# Full-disk test of the command line on a small tmpfs (root only): `facts import` and `advise --record` on a
# full disk exit 74 with a clear message, and the store is intact afterwards.
#
# usage: disk_full_test.sh PHASEGATE RULES FACTS
# Exits 77 (skipped) without root, without tmpfs, or without `facts` / `audit` subcommands.
set -u
PG=${1:?usage: disk_full_test.sh PHASEGATE RULES FACTS}
RULES=${2:?rules file}
FACTS=${3:?facts file}

"$PG" facts --help >/dev/null 2>&1 && "$PG" audit --help >/dev/null 2>&1 || { echo "skipped: no facts/audit subcommands"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "skipped: needs root to mount a tmpfs"; exit 77; }

DIR=$(mktemp -d "${TMPDIR:-/tmp}/pg-full-XXXXXX")
MNT="$DIR/mnt"
mkdir "$MNT"
mount -t tmpfs -o size=2m tmpfs "$MNT" 2>/dev/null || { rmdir "$MNT" "$DIR"; echo "skipped: cannot mount a tmpfs"; exit 77; }
trap 'umount -l "$MNT"; rm -rf "$DIR"' EXIT
DB="$MNT/s.db"
status=0
fail() { echo "FAIL: $*" >&2; status=1; }

"$PG" facts import "$FACTS" --db "$DB" --rules "$RULES" --actor alice >/dev/null || fail "first import failed"
"$PG" advise "$RULES" --db "$DB" --record --today 2026-11-24 >/dev/null
[ $? -le 2 ] || fail "first decision failed"
head=$("$PG" audit head --db "$DB" | grep -o '[0-9a-f]\{64\}' | head -1)
"$PG" facts list --db "$DB" --format json >"$DIR/before.json"

# Fill the disk: a big facts file (written outside the tmpfs), then junk until ENOSPC.
big="$DIR/big.facts"
{
  echo 'facts "big"'
  for ((i = 0; i < 4000; i++)); do echo "troops_committed(\"country-$i-$(printf '%0200d' 0)\") = 1"; done
} >"$big"
dd if=/dev/zero of="$MNT/filler" bs=4k >/dev/null 2>&1

"$PG" facts import "$big" --db "$DB" --rules "$RULES" --actor alice >/dev/null 2>"$DIR/err"
rc=$?
[ $rc -eq 74 ] || fail "facts import on a full disk: exit $rc, expected 74"
grep -qi 'full' "$DIR/err" || fail "facts import on a full disk: no clear message: $(head -2 "$DIR/err")"
"$PG" advise "$RULES" --db "$DB" --record --today 2026-11-25 >/dev/null 2>"$DIR/err2"
rc=$?
if [ $rc -ne 74 ]; then
  # A small decision may still fit in the WAL's free space; then it must be a normal result.
  [ $rc -le 2 ] || fail "advise --record on a full disk: exit $rc"
fi

rm -f "$MNT/filler"
"$PG" facts list --db "$DB" --format json >"$DIR/after.json" || fail "facts list after the full disk failed"
cmp -s "$DIR/before.json" "$DIR/after.json" || fail "the facts changed after a failed import"
"$PG" audit verify --db "$DB" --head "$head" >"$DIR/verify" 2>&1 || { fail "audit verify failed"; cat "$DIR/verify" >&2; }
echo "full disk: import exit 74 with a clear message, store intact: ok=$([ $status -eq 0 ] && echo yes || echo no)"
exit $status
