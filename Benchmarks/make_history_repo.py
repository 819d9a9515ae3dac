#!/usr/bin/env python3
"""Generate a repository with N commits, M of them carrying perfjournal notes, through git fast-import.

usage: make_history_repo.py DIR [--commits 10000] [--notes 1000] [--note-template FILE]

The oldest commit carries the baseline run; the notes are copies of a real note (the template, by
default one made by `perfjournal record` of the pytest-benchmark fixture), so reading them costs
what reading real notes costs.
"""
import argparse
import json
import os
import subprocess
import sys

parser = argparse.ArgumentParser()
parser.add_argument("dir")
parser.add_argument("--commits", type=int, default=10000)
parser.add_argument("--notes", type=int, default=1000)
parser.add_argument("--note-template", required=True, help="a note as `git notes --ref=perfjournal show` prints it")
args = parser.parse_args()

template = json.load(open(args.note_template))
os.makedirs(args.dir, exist_ok=True)
env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1")
subprocess.run(["git", "init", "-q", "-b", "main", args.dir], check=True, env=env)

step = max(1, args.commits // max(1, args.notes))
noted = set(range(0, args.commits, step)[: args.notes])
out = []
def emit(s):
    out.append(s.encode() if isinstance(s, str) else s)

def data(b):
    emit(f"data {len(b)}\n")
    emit(b)
    emit("\n")

t0 = 1_700_000_000
for i in range(args.commits):
    content = f"value = {i}\n".encode()
    emit("commit refs/heads/main\n")
    emit(f"mark :{i + 1}\n")
    emit(f"author Bench <bench@example.com> {t0 + i * 60} +0000\n")
    emit(f"committer Bench <bench@example.com> {t0 + i * 60} +0000\n")
    data(f"perf: change {i}\n".encode())
    if i > 0:
        emit(f"from :{i}\n")
    emit("M 100644 inline src/value.py\n")
    data(content)
# One notes commit holding every note.
emit("commit refs/notes/perfjournal\n")
emit(f"committer Bench <bench@example.com> {t0 + args.commits * 60} +0000\n")
data(b"perfjournal notes\n")
for i in sorted(noted):
    note = json.loads(json.dumps(template))
    for run in note["runs"]:
        run["baseline"] = i == 0
    text = json.dumps(note, indent=2, sort_keys=True).encode() + b"\n"
    emit(f"N inline :{i + 1}\n")
    data(text)

subprocess.run(["git", "fast-import", "--quiet"], input=b"".join(out), cwd=args.dir, check=True, env=env)
subprocess.run(["git", "checkout", "-q", "main"], cwd=args.dir, check=True, env=env)
print(f"{args.dir}: {args.commits} commits, {len(noted)} notes", file=sys.stderr)
