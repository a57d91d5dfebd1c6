#!/usr/bin/env bash
# fmt rewrites the file a symbolic link names (the link stays a link), keeps a file's permissions,
# and `fmt --check -` writes nothing on stdout even when the input does not parse; a symbolic link
# loop inside a folder is passed over by the commands that search folders; a folder with nothing to
# format is refused.
set -euo pipefail
PG=$1
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
cd "$T"
printf 'ruleset t "t"\nfact a:   bool "a"\nphase p "p"\n  require r: a because "x"\n' > p.rules
chmod 600 p.rules
ln -s p.rules link.rules
"$PG" fmt link.rules
[ -L link.rules ] || { echo "fmt replaced the symbolic link"; exit 1; }
grep -q '^fact a: bool "a"$' p.rules || { echo "fmt did not rewrite the file the link names"; exit 1; }
[ "$(stat -c %a p.rules)" = 600 ] || { echo "fmt changed the permissions: $(stat -c %a p.rules)"; exit 1; }
[ -z "$(ls -A | grep -v '^p.rules$' | grep -v '^link.rules$')" ] || { echo "fmt left a file behind: $(ls -A)"; exit 1; }
out=$(printf 'ruleset t "t"\nfact a: numbr\n' | "$PG" fmt --check - 2>/dev/null) && { echo "fmt --check - accepted a broken file"; exit 1; }
[ -z "$out" ] || { echo "fmt --check - wrote on stdout: $out"; exit 1; }
mkdir d
ln -s loop_b d/loop_a
ln -s loop_a d/loop_b
cp p.rules d/
"$PG" check d 2>/dev/null || { echo "check of a folder holding a link loop failed: $?"; exit 1; }
"$PG" fmt --check d 2>/dev/null || { echo "fmt --check of a folder holding a link loop failed: $?"; exit 1; }
# A folder with nothing to format is a mistake, as for check and test: 66 (it was 0, silently).
mkdir empty
rc=0; "$PG" fmt empty 2>/dev/null || rc=$?
[ "$rc" = 66 ] || { echo "fmt of a folder with no rules, facts or scenarios file exited $rc, not 66"; exit 1; }
echo ok
