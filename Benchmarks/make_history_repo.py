#!/usr/bin/env python3
"""Generate a repository with N commits, M of them carrying perfjournal notes, through git fast-import.

usage: make_history_repo.py DIR [--commits 10000] [--notes 1000] [--note-template FILE] [--as-recorded]

The oldest commit carries the baseline run; the notes are copies of a real note (the template, by
default one made by `perfjournal record` of the pytest-benchmark fixture), so reading them costs
what reading real notes costs.

With --as-recorded every note is what `perfjournal record` would have stored on its commit: its runs
name that commit and its tree (so they count as the commit's own measurement, and the rules compare
them), carry their own run ids, and their values drift from commit to commit (a random walk with
noise, the same seed every time). Every note is then a different blob, as on a real history, so
nothing can be read once for all of them.
"""
import argparse
import json
import math
import os
import random
import subprocess
import sys

parser = argparse.ArgumentParser()
parser.add_argument("dir")
parser.add_argument("--commits", type=int, default=10000)
parser.add_argument("--notes", type=int, default=1000)
parser.add_argument("--note-template", required=True, help="a note as `git notes --ref=perfjournal show` prints it")
parser.add_argument("--as-recorded", action="store_true", help="each note names its own commit and tree, with its own values")
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

def fast_import(chunks):
    subprocess.run(["git", "fast-import", "--quiet"], input=b"".join(chunks), cwd=args.dir, check=True, env=env)

if args.as_recorded:
    # The commits first: the notes must name their hashes and trees.
    fast_import(out)
    out = []
    lines = subprocess.run(["git", "log", "--reverse", "--format=%H %T", "main"], cwd=args.dir, check=True, env=env,
                           capture_output=True, text=True).stdout.split()
    ids = [(lines[k], lines[k + 1]) for k in range(0, len(lines), 2)]
    rng = random.Random(11)
# One notes commit holding every note.
emit("commit refs/notes/perfjournal\n")
emit(f"committer Bench <bench@example.com> {t0 + args.commits * 60} +0000\n")
data(b"perfjournal notes\n")
level = 0.0
for i in sorted(noted):
    note = json.loads(json.dumps(template))
    if args.as_recorded:
        commit, tree = ids[i]
        level += rng.gauss(0, 0.01)
        for r, run in enumerate(note["runs"]):
            run["id"] = f"{run['id']}-{i}-{r}"
            run["commit"], run["tree"] = commit, tree
            for result in run["results"]:
                factor = math.exp(level + rng.gauss(0, 0.02))
                if result.get("samples"):
                    result["samples"] = [x * factor for x in result["samples"]]
                stats = result["stats"]
                for key in ("mean", "stddev", "median", "min", "max", "q1", "q3"):
                    stats[key] *= factor
    for run in note["runs"]:
        run["baseline"] = i == 0
    text = json.dumps(note, indent=2, sort_keys=True).encode() + b"\n"
    emit(f"N inline {ids[i][0] if args.as_recorded else f':{i + 1}'}\n")
    data(text)

fast_import(out)
subprocess.run(["git", "checkout", "-q", "main"], cwd=args.dir, check=True, env=env)
print(f"{args.dir}: {args.commits} commits, {len(noted)} notes", file=sys.stderr)
