"""Runs the real `perfjournal check` on every labelled commit, to confirm the figures end to end.

    python3 Helpers/eval/check_with_binary.py BINARY FIXTURE CLONES OUT.json [--no-python]

CLONES holds one clone per project, named OWNER+NAME (`git clone` of the mirror), each with a
`.perfjournal.toml` of `[bench] command = "true"` and `[rules] mode = "all"` (so every commit is judged
as an optimization). OUT gets each commit's one-change outcome. With --no-python, python3 is kept off
PATH and the grouping cache is cleared first, so the older limits and wording judge: that measures
the fallback.
"""

import json
import os
import shutil
import subprocess
import sys


def main():
    binary, fixture_path, clones, out_path = sys.argv[1:5]
    no_python = "--no-python" in sys.argv[5:]
    with open(fixture_path) as f:
        fixture = json.load(f)
    env = dict(os.environ)
    if no_python:
        env["PATH"] = "/nonexistent"
    out = {}
    for entry in fixture["commits"]:
        repo = os.path.join(clones, entry["project"].replace("/", "+"))
        if no_python:
            shutil.rmtree(os.path.join(repo, ".git", "perfjournal", "cache"), ignore_errors=True)
        result = subprocess.run([binary, "check", entry["commit"], "--json"], cwd=repo, capture_output=True, text=True, env=env)
        try:
            outcome = json.loads(result.stdout)["commits"][0]["rules"]["one-change"]
        except (ValueError, KeyError, IndexError):
            outcome = {"status": "error", "reason": result.stderr[-300:]}
        out[entry["commit"]] = outcome
    with open(out_path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
