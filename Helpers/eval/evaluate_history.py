"""Runs Helpers/one_change.py over the optimization commits of a real project's history.

    python3 Helpers/eval/evaluate_history.py GIT_DIR --project OWNER/NAME --out report.json
        [--grep REGEX] [--commit SHA ...]

For every non-merge commit whose subject matches REGEX (default: perf/speed/faster/optimi[sz]), or for
the commits named, it diffs the commit against its first parent as perfjournal does (rename detection,
no context lines), classifies files with perfjournal's default `rules.ignore` (tests, benchmarks, docs
are support), and writes the groups the helper finds. What the real binary and the older limits say is
measured by check_with_binary.py. Standard library only.
"""

import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import one_change  # noqa: E402

DEFAULT_GREP = r"perf|speed|faster|optimi[sz]"
# OneChangeLimits.defaultIgnore (`rules.ignore` by default).
DEFAULT_IGNORE = ["tests/**", "test/**", "**/test_*.py", "**/*_test.go", "benchmarks/**", "bench/**", "docs/**",
                  "*.md", "**/*.md", ".github/**", ".gitlab-ci.yml", ".ci/**", "PERFORMANCE.md"]
SOURCE_SUFFIXES = (".py", ".pyi", ".swift", ".c", ".h", ".cc", ".cpp", ".hpp", ".go", ".rs", ".js", ".ts", ".pyx", ".pxd")


def glob_regex(pattern):
    """perfjournal's Glob: `*` and `?` stay in one path segment, `**` spans directories."""
    pattern = pattern.lstrip("/")
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out + r"\Z")


IGNORE = [glob_regex(p) for p in DEFAULT_IGNORE]


def ignored(path):
    path = path[2:] if path.startswith("./") else path
    return any(r.match(path) for r in IGNORE)


def git(git_dir, *args, text=True):
    return subprocess.run(["git", "--git-dir", git_dir, *args], capture_output=True, text=text, check=True).stdout


def blob(git_dir, rev, path):
    try:
        data = subprocess.run(["git", "--git-dir", git_dir, "show", "%s:%s" % (rev, path)], capture_output=True,
                              check=True).stdout
    except subprocess.CalledProcessError:
        return None
    return data.decode("utf-8", errors="replace")


def diff_files(git_dir, commit):
    """[{path, old_path, status, deleted_lines, added_lines}] against the first parent."""
    parents = git(git_dir, "rev-list", "--parents", "-n", "1", commit).split()[1:]
    parent = parents[0] if parents else "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # the empty tree
    patch = git(git_dir, "diff", "-U0", "-M", "--no-color", "--no-ext-diff", parent, commit)
    files, current = [], None
    for line in patch.splitlines():
        if line.startswith("diff --git "):
            current = {"path": None, "old_path": None, "deleted_lines": [], "added_lines": [], "binary": False}
            files.append(current)
            m = re.match(r"diff --git a/(.*) b/(.*)$", line)
            if m:
                current["old_path"], current["path"] = m.group(1), m.group(2)
        elif current is None:
            continue
        elif line.startswith("--- "):
            current["old_path"] = None if line == "--- /dev/null" else line[6:]
        elif line.startswith("+++ "):
            if line != "+++ /dev/null":
                current["path"] = line[6:]
            else:
                current["deleted"] = True
        elif line.startswith("Binary files"):
            current["binary"] = True
        elif line.startswith("@@"):
            m = re.match(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", line)
            old_start, old_count = int(m.group(1)), int(m.group(2) or 1)
            new_start, new_count = int(m.group(3)), int(m.group(4) or 1)
            current["deleted_lines"] += range(old_start, old_start + old_count)
            current["added_lines"] += range(new_start, new_start + new_count)
    for f in files:
        if f.get("deleted"):
            f["path"] = f["old_path"]
    return parent, files


def evaluate(git_dir, commit):
    parent, files = diff_files(git_dir, commit)
    specs, changes = [], []
    for f in files:
        old = blob(git_dir, parent, f["old_path"]) if f["old_path"] else None
        new = None if f.get("deleted") else blob(git_dir, commit, f["path"])
        if f["path"].endswith((".py", ".pyi")) and not f["binary"]:
            specs.append({"path": f["path"], "old_path": f["old_path"], "old_text": old, "new_text": new,
                          "deleted_lines": f["deleted_lines"], "added_lines": f["added_lines"],
                          "role": "support" if ignored(f["path"]) else "code"})
        changes.append({"path": f["path"]})
    result = one_change.analyse({"files": specs})
    other_code = [c["path"] for c in changes
                  if not ignored(c["path"]) and c["path"].endswith(SOURCE_SUFFIXES) and not c["path"].endswith((".py", ".pyi"))]
    return {
        "commit": commit,
        "subject": git(git_dir, "log", "-1", "--format=%s", commit).strip(),
        "files": [c["path"] for c in changes],
        "groups": result["groups"],
        "unattached": result["unattached"],
        "problems": result["problems"],
        "fallback": result["fallback"],
        "other_source_files": other_code,
        "bundled": len(result["groups"]) >= 2,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("git_dir")
    parser.add_argument("--project", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--grep", default=DEFAULT_GREP)
    parser.add_argument("--commit", action="append", default=[])
    args = parser.parse_args()
    if args.commit:
        commits = [git(args.git_dir, "rev-parse", c).strip() for c in args.commit]
    else:
        log = git(args.git_dir, "log", "--no-merges", "--format=%H %s")
        pattern = re.compile(args.grep, re.IGNORECASE)
        commits = [line.split(" ", 1)[0] for line in log.splitlines() if pattern.search(line.split(" ", 1)[1] if " " in line else "")]
    report = {"project": args.project, "commits": [evaluate(args.git_dir, c) for c in commits]}
    with open(args.out, "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    bundled = sum(c["bundled"] for c in report["commits"])
    print("%s: %d commits, %d with 2+ groups" % (args.project, len(commits), bundled))


if __name__ == "__main__":
    main()
