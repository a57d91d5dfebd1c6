#!/usr/bin/env python3
"""Golden tests of the phasegate command: each CASE.cmd holds one command line
(`phasegate ...`, run from this folder); CASE.expect holds its standard output,
then its standard error, then its exit code. UPDATE_GOLDEN=1 rewrites the
.expect files (review the diff before committing).

Usage: run.py PHASEGATE [CASE...]"""
import os, shlex, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))

def run(binary, case):
    line = open(os.path.join(here, case + ".cmd")).read().strip()
    argv = shlex.split(line)
    assert argv[0] == "phasegate", case
    stdin = None
    if "<" in argv:
        i = argv.index("<")
        stdin = open(os.path.join(here, argv[i + 1]), "rb").read()
        argv = argv[:i] + argv[i + 2:]
    env = dict(os.environ, NO_COLOR="1", PHASEGATE_DB=os.path.join(here, "no-such.db"))
    r = subprocess.run([binary] + argv[1:], cwd=here, input=stdin, capture_output=True, timeout=60, env=env)
    return ("--- stdout\n" + r.stdout.decode() + "--- stderr\n" + r.stderr.decode() +
            "--- exit %d\n" % r.returncode)

def main():
    binary = os.path.abspath(sys.argv[1])
    cases = sys.argv[2:] or sorted(f[:-4] for f in os.listdir(here) if f.endswith(".cmd"))
    failed = 0
    for case in cases:
        got = run(binary, case)
        path = os.path.join(here, case + ".expect")
        if os.environ.get("UPDATE_GOLDEN"):
            open(path, "w").write(got)
            continue
        want = open(path).read() if os.path.exists(path) else "(no .expect file)\n"
        if got != want:
            failed += 1
            print("FAIL %s\n--- expected\n%s--- got\n%s" % (case, want, got))
    print("%d passed, %d failed" % (len(cases) - failed, failed))
    sys.exit(1 if failed else 0)

main()
