#!/usr/bin/env bash
# Input that is not a plain file: a FIFO nobody writes to (as an include and as a table) is read as
# empty instead of hanging the command; a table obeys --max-file-bytes (E0002, exit 65); a process
# substitution (a pipe being written) is read whole; a file whose size the kernel does not report
# (procfs) is read, not taken as empty.
set -euo pipefail
PG=$1
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
cd "$T"
mkfifo fifo.rules f.csv
printf 'ruleset a "x"\ninclude "fifo.rules"\n' > inc.rules
printf 'ruleset t "t"\nfact unit(name: text, kind: text): number "p"\nphase p "p"\n  require sum(unit(a, b)) > 0 because "x"\n' > t.rules
printf 'facts "T"\nload unit from "f.csv"\n' > fifo.facts
rc=0; timeout 20 "$PG" check inc.rules > out.txt 2>&1 || rc=$?
[ $rc -ne 124 ] || { echo "check waited on a FIFO include"; exit 1; }
grep -q 'this rules file is empty' out.txt || { echo "the FIFO include was not read as empty:"; cat out.txt; exit 1; }
rc=0; timeout 20 "$PG" advise t.rules --facts fifo.facts > out.txt 2>&1 || rc=$?
[ $rc -eq 65 ] || { echo "a FIFO table: exit $rc, expected 65"; cat out.txt; exit 1; }
grep -q 'E0609' out.txt || { echo "a FIFO table was not read as an empty table:"; cat out.txt; exit 1; }
python3 -c "print('name,kind,value'); [print(f'a{i},b,3') for i in range(1000)]" > big.csv
printf 'facts "T"\nload unit from "big.csv"\n' > big.facts
rc=0; "$PG" --max-file-bytes 200 advise t.rules --facts big.facts --today 2026-01-01 > out.txt 2>&1 || rc=$?
[ $rc -eq 65 ] || { echo "a table over --max-file-bytes: exit $rc, expected 65"; cat out.txt; exit 1; }
grep -q 'error\[E0002\]: table `.*big.csv` is too large to read' out.txt || { echo "no E0002 for the table:"; cat out.txt; exit 1; }
out=$("$PG" advise t.rules --facts big.facts --today 2026-01-01)
grep -q '  p  *GO' <<<"$out" || { echo "the table under the limit was not read"; exit 1; }
out=$("$PG" advise t.rules --facts <(sed "s#big.csv#$T/big.csv#" big.facts) --today 2026-01-01)
grep -q '  p  *GO' <<<"$out" || { echo "a facts file given as a pipe was not read"; exit 1; }
ln -s /proc/self/status status.csv
printf 'facts "T"\nload unit from "status.csv"\n' > proc.facts
rc=0; "$PG" advise t.rules --facts proc.facts > out.txt 2>&1 || rc=$?
grep -q 'the header has 1 column' out.txt || { echo "a procfs table was not read:"; cat out.txt; exit 1; }
echo "special files: ok"
