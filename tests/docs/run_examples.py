#!/usr/bin/env python3
"""Keeps the language guide (docs/language.md) and its examples honest.

Usage: python3 tests/docs/run_examples.py PATH/TO/phasegate

Run from anywhere; commands run from the repository root. Checks:

(a) every ```rules / ```facts / ```scenarios block of docs/language.md names
    the file it shows on its first line:
      `# file: docs/examples/...`  the rest of the block is the whole file;
      `# from: docs/examples/...`  the rest of the block is a run of
                                   consecutive lines of that file.
    A block of another language may be marked the same way by an HTML
    comment on the line just before its fence: <!-- file: PATH -->.
    An unmarked rules/facts/scenarios block is a failure.
(b) every ```console block: each `$ phasegate ...` line is run (the program
    replaced by argv[1]) and its output (standard output, then standard
    error) must equal the lines shown below it, up to the next `$ ` line.
    `$ echo $?` shows the exit code of the command before it. A block
    preceded by <!-- output: exit-code-only --> is not compared line by line;
    its commands must exit below 64 (or as an `$ echo $?` line says).
(c) every ruleset under docs/examples/ passes `phasegate check --strict`
    (files under docs/examples/errors/ must fail it with exit 65), every
    scenarios file passes `phasegate test` (under errors/: exits 1), and
    `phasegate fmt --check docs/examples` passes.
(d) every relative link of the guide points to an existing file, and every
    `#anchor` (in the guide or in another docs/*.md page) to a heading.
(e) every code of docs/diagnostics.md and docs/diagnostics-syntax.md is
    listed, as a link, in the guide's table of diagnostics.

Last line: `N passed, N failed`; exit 1 when anything failed.
"""

import difflib
import os
import re
import shlex
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GUIDE = os.path.join("docs", "language.md")
EXAMPLES = os.path.join("docs", "examples")
ERRORS = os.path.join(EXAMPLES, "errors")
DEFAULT_TODAY = "2026-03-04"
FILE_LANGS = {"rules", "facts", "scenarios"}

passed = 0
failed = 0


def ok(what, detail=""):
    global passed
    passed += 1
    if os.environ.get("VERBOSE"):
        print("ok    " + what)


def fail(what, detail=""):
    global failed
    failed += 1
    print("FAIL  " + what)
    if detail:
        for line in detail.rstrip("\n").split("\n"):
            print("      " + line)


def run(binary, args, stdin=None):
    env = dict(os.environ)
    env["NO_COLOR"] = "1"
    env.pop("PHASEGATE_DB", None)
    try:
        p = subprocess.run([binary] + args, cwd=ROOT, env=env, input=stdin,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    except subprocess.TimeoutExpired:
        return 124, "(timed out after 120 s)\n"
    out = p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")
    return p.returncode, out


def strip_trailing_blank(lines):
    lines = [l.rstrip() for l in lines]
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def blocks(text):
    """Yields (line_no, lang, marker_before, lines) for every fenced block."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"^(\s*)```(\S*)\s*$", lines[i])
        if not m or m.group(2) == "":
            if m:  # a fence without a language: skip to its end
                j = i + 1
                while j < len(lines) and not re.match(r"^\s*```\s*$", lines[j]):
                    j += 1
                i = j + 1
                continue
            i += 1
            continue
        indent, lang = m.group(1), m.group(2)
        start = i
        before = lines[i - 1].strip() if i > 0 else ""
        j = i + 1
        body = []
        while j < len(lines) and not re.match(r"^\s*```\s*$", lines[j]):
            l = lines[j]
            body.append(l[len(indent):] if l.startswith(indent) else l)
            j += 1
        yield start + 1, lang, before, body
        i = j + 1


def check_file_block(where, path, body, whole):
    full = os.path.join(ROOT, path)
    if not os.path.isfile(full):
        fail(where, "no such file: " + path)
        return
    with open(full, encoding="utf-8") as f:
        content = f.read()
    want = content.rstrip("\n").split("\n")
    got = strip_trailing_blank(body)
    if whole:
        if got == want:
            ok(where)
        else:
            fail(where + ": the block differs from " + path,
                 "\n".join(difflib.unified_diff(want, got, path, "guide", lineterm="")))
    else:
        n = len(got)
        if n and any(want[k:k + n] == got for k in range(len(want) - n + 1)):
            ok(where)
        else:
            fail(where + ": the block is not a run of lines of " + path,
                 "\n".join(got[:5]) + ("\n..." if n > 5 else ""))


def check_console(binary, where, body, exit_only):
    items = []  # (line_no_offset, command, expected lines)
    for k, line in enumerate(body):
        if line.startswith("$ "):
            items.append([k, line[2:].strip(), []])
        elif items:
            items[-1][2].append(line)
        elif line.strip():
            fail(where, "output before any `$ ` command: " + line)
            return
    last_rc = None
    for k, cmd, expected in items:
        what = "%s+%d: $ %s" % (where, k + 1, cmd)
        expected = strip_trailing_blank(expected)
        if cmd == "echo $?":
            if last_rc is None:
                fail(what, "no command before `echo $?`")
            elif expected == [str(last_rc)]:
                ok(what)
            else:
                fail(what, "expected exit code %s, got %d" % (" ".join(expected), last_rc))
            last_rc = None
            continue
        try:
            words = shlex.split(cmd, comments=True)
        except ValueError as e:
            fail(what, "cannot split the command: %s" % e)
            continue
        if not words or words[0] != "phasegate":
            fail(what, "only `phasegate ...` and `echo $?` commands are run")
            continue
        rc, out = run(binary, words[1:])
        last_rc = rc
        nxt = [it for it in items if it[0] > k]
        rc_checked_later = bool(nxt) and nxt[0][1] == "echo $?"
        if exit_only:
            if rc >= 64 and not rc_checked_later:
                fail(what, "exit code %d\n%s" % (rc, out))
            else:
                ok(what)
            continue
        got = strip_trailing_blank(out.split("\n"))
        if got == expected:
            ok(what)
        else:
            fail(what, "\n".join(difflib.unified_diff(expected, got, "guide", "actual", lineterm="")))


def check_guide(binary):
    path = os.path.join(ROOT, GUIDE)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for line_no, lang, before, body in blocks(text):
        where = "%s:%d" % (GUIDE, line_no)
        marker = re.match(r"^<!--\s*(file|from):\s*(\S+)\s*-->$", before)
        if lang == "console":
            check_console(binary, where, body, before == "<!-- output: exit-code-only -->")
            continue
        first = body[0] if body else ""
        m = re.match(r"^#\s*(file|from):\s*(\S+)\s*$", first)
        if m and lang in FILE_LANGS:
            check_file_block(where, m.group(2), body[1:], m.group(1) == "file")
        elif marker:
            check_file_block(where, marker.group(2), body, marker.group(1) == "file")
        elif lang in FILE_LANGS:
            fail(where, "a ```%s block must start with `# file: PATH` or `# from: PATH`" % lang)


def slug(heading):
    """The anchor GitHub gives a heading."""
    h = heading.strip().lower().replace("`", "")
    h = re.sub(r"[^\w\- ]", "", h)
    return h.replace(" ", "-")


def anchors(path):
    found = set()
    in_fence = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if re.match(r"^\s*```", line):
                in_fence = not in_fence
            elif not in_fence:
                m = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
                if m:
                    found.add(slug(m.group(1)))
    return found


def check_links():
    guide = os.path.join(ROOT, GUIDE)
    with open(guide, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    for target in sorted(set(re.findall(r"\]\(([^)\s]+)\)", text))):
        if re.match(r"^[a-z]+:", target):
            continue  # an external address
        path, _, anchor = target.partition("#")
        full = os.path.normpath(os.path.join(os.path.dirname(guide), path)) if path else guide
        what = "link (%s)" % target
        if not os.path.exists(full):
            fail(what, "no such file: " + os.path.relpath(full, ROOT))
        elif anchor and (not full.endswith(".md") or anchor not in anchors(full)):
            fail(what, "no heading with the anchor #" + anchor)
        else:
            ok(what)


def check_codes():
    with open(os.path.join(ROOT, GUIDE), encoding="utf-8") as f:
        guide = f.read()
    for page, pattern in (("diagnostics.md", r"^### ([EW]\d{4}) "),
                          ("diagnostics-syntax.md", r"^\| ([EW]\d{4}) \|")):
        path = os.path.join(ROOT, "docs", page)
        if not os.path.isfile(path):
            fail("codes of docs/" + page, "no such file")
            continue
        with open(path, encoding="utf-8") as f:
            codes = sorted(set(re.findall(pattern, f.read(), re.M)))
        missing = [c for c in codes if "[%s](%s#" % (c, page) not in guide]
        if codes and not missing:
            ok("codes of docs/" + page)
        else:
            fail("codes of docs/" + page, "not listed in the guide: " + (", ".join(missing) or "(no codes found)"))


def example_files(ext):
    found = []
    for dirpath, dirnames, filenames in os.walk(os.path.join(ROOT, EXAMPLES)):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(ext):
                found.append(os.path.relpath(os.path.join(dirpath, name), ROOT))
    return found


def in_errors(path):
    return path.startswith(ERRORS + os.sep)


def check_examples(binary):
    for path in example_files(".rules"):
        with open(os.path.join(ROOT, path), encoding="utf-8") as f:
            text = f.read()
        if not re.search(r"^ruleset\s", text, re.M):
            continue  # an included file: checked with the ruleset that includes it
        rc, out = run(binary, ["check", "--strict", path])
        if in_errors(path):
            (ok if rc == 65 else fail)("check %s fails with exit 65" % path,
                                       "" if rc == 65 else "exit %d\n%s" % (rc, out))
        else:
            (ok if rc == 0 else fail)("check --strict %s" % path, "" if rc == 0 else out)
    for path in example_files(".scenarios"):
        with open(os.path.join(ROOT, path), encoding="utf-8") as f:
            m = re.search(r"--today (\d{4}-\d\d-\d\d)", f.read())
        today = m.group(1) if m else DEFAULT_TODAY
        rc, out = run(binary, ["test", path, "--today", today])
        want = 1 if in_errors(path) else 0
        (ok if rc == want else fail)("test %s (exit %d)" % (path, want),
                                     "" if rc == want else "exit %d\n%s" % (rc, out))
    rc, out = run(binary, ["fmt", "--check", EXAMPLES])
    (ok if rc == 0 else fail)("fmt --check " + EXAMPLES, "" if rc == 0 else out)


def main():
    if len(sys.argv) != 2:
        print("usage: run_examples.py PATH/TO/phasegate", file=sys.stderr)
        return 64
    binary = os.path.abspath(sys.argv[1])
    if not os.access(binary, os.X_OK):
        print("not an executable: " + binary, file=sys.stderr)
        return 66
    check_guide(binary)
    check_links()
    check_codes()
    check_examples(binary)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
