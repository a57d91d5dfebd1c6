#!/usr/bin/env python3
"""Rewrites the outputs of the ```console blocks of docs/language.md.

Usage: python3 tests/docs/update_outputs.py PATH/TO/phasegate

For a maintainer after an intended change of the program's output: each
`$ phasegate ...` command of the guide is run (from the repository root) and
the lines below it are replaced by what it prints now; `$ echo $?` gets the
exit code. Blocks marked <!-- output: exit-code-only --> are left alone.
REVIEW THE DIFF, and the prose around every changed block, before keeping
it: the check itself is tests/docs/run_examples.py, which never rewrites.
"""

import os
import shlex
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GUIDE = os.path.join(ROOT, "docs", "language.md")


def main():
    if len(sys.argv) != 2:
        print("usage: update_outputs.py PATH/TO/phasegate", file=sys.stderr)
        return 64
    binary = os.path.abspath(sys.argv[1])
    env = dict(os.environ, NO_COLOR="1")
    env.pop("PHASEGATE_DB", None)
    with open(GUIDE, encoding="utf-8") as f:
        lines = f.read().split("\n")
    out = []
    i = 0
    changed = 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        if line.strip() == "```console" and not (i > 0 and lines[i - 1].strip() == "<!-- output: exit-code-only -->"):
            indent = line[:len(line) - len(line.lstrip())]
            j = i + 1
            commands = []
            while j < len(lines) and lines[j].strip() != "```":
                if lines[j].strip().startswith("$ "):
                    commands.append(lines[j].strip()[2:])
                j += 1
            block = []
            rc = None
            for cmd in commands:
                block.append(indent + "$ " + cmd)
                if cmd.strip() == "echo $?":
                    block.append(indent + str(rc))
                    continue
                words = shlex.split(cmd, comments=True)
                p = subprocess.run([binary] + words[1:], cwd=ROOT, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                rc = p.returncode
                text = (p.stdout + p.stderr).decode("utf-8", "replace").rstrip("\n")
                if text:
                    block.extend((indent + l).rstrip() for l in text.split("\n"))
            if block != lines[i + 1:j]:
                changed += 1
            out.extend(block)
            out.append(indent + "```")
            i = j + 1
            continue
        i += 1
    with open(GUIDE, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    print("%d block(s) changed in docs/language.md: review the diff" % changed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
