"""Scores the one-change rule against the labelled real history.

    python3 Helpers/eval/score.py Tests/Fixtures/one-change/real-history.json REPORT.json...
        [--binary CHECK.json] [--fallback CHECK.json]

The fixture holds, per commit, a reviewer's label ("focused", "bundled", or "not-optimization" for a
commit whose subject matched the search but that optimizes nothing) with a one-line reason. The
reports come from evaluate_history.py; --binary and --fallback take check_with_binary.py's outcomes
(the real `perfjournal check`, with python3, and without it so that the older limits and wording
judge). This writes each commit's groups and verdicts back into the fixture and prints the counts:
focused commits accepted (the rule must accept at least 95%), bundled commits refused.
"""

import json
import sys


def main():
    args = sys.argv[1:]
    checks = {}
    for option in ("--binary", "--fallback"):
        if option in args:
            i = args.index(option)
            with open(args[i + 1]) as f:
                checks[option] = json.load(f)
            del args[i:i + 2]
    fixture_path, report_paths = args[0], args[1:]
    with open(fixture_path) as f:
        fixture = json.load(f)
    found = {}
    for path in report_paths:
        with open(path) as f:
            report = json.load(f)
        for commit in report["commits"]:
            found[(report["project"], commit["commit"])] = commit
    missing = 0
    for entry in fixture["commits"]:
        commit = found.get((entry["project"], entry["commit"]))
        if commit is None:
            missing += 1
            continue
        entry["groups"] = [g["symbols"] for g in commit["groups"]]
        entry["accepted"] = len(commit["groups"]) < 2
        entry.pop("limits_accept", None)
        if "--binary" in checks:
            entry["check"] = checks["--binary"][entry["commit"]]["reason"]
            entry["check_accepts"] = checks["--binary"][entry["commit"]]["status"] == "pass"
        if "--fallback" in checks:
            entry["fallback_accepts"] = checks["--fallback"][entry["commit"]]["status"] == "pass"
        if commit["problems"]:
            entry["problems"] = commit["problems"]
    lines, totals = [], {}
    for project in sorted({e["project"] for e in fixture["commits"]}):
        entries = [e for e in fixture["commits"] if e["project"] == project and "accepted" in e]
        row = count(entries)
        for key, value in row.items():
            totals[key] = totals.get(key, 0) + value
        lines.append(describe(project, row))
    lines.append(describe("total", totals))
    fixture["counts"] = totals
    with open(fixture_path, "w") as f:
        json.dump(fixture, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("\n".join(lines))
    if missing:
        print("%d labelled commits had no report" % missing)
    refused = [e for e in fixture["commits"] if e["label"] == "focused" and not e.get("accepted", True)]
    for e in refused:
        print("refused focused: %s %s %s" % (e["project"], e["commit"][:8], e["subject"][:70]))
    rate = totals["focused_accepted"] / totals["focused"] if totals["focused"] else 1.0
    return 0 if rate >= 0.95 else 1


def count(entries):
    focused = [e for e in entries if e["label"] == "focused"]
    bundled = [e for e in entries if e["label"] == "bundled"]
    return {
        "examined": len(entries),
        "not_optimization": len(entries) - len(focused) - len(bundled),
        "focused": len(focused),
        "focused_accepted": sum(e["accepted"] for e in focused),
        "focused_accepted_by_check": sum(e.get("check_accepts", False) for e in focused),
        "focused_accepted_by_fallback": sum(e.get("fallback_accepts", False) for e in focused),
        "bundled": len(bundled),
        "bundled_refused": sum(not e["accepted"] for e in bundled),
        "bundled_refused_by_check": sum(not e.get("check_accepts", True) for e in bundled),
        "bundled_refused_by_fallback": sum(not e.get("fallback_accepts", True) for e in bundled),
    }


def describe(name, row):
    rate = 100.0 * row["focused_accepted"] / row["focused"] if row["focused"] else 100.0
    return ("%s: %d examined, %d not optimizations; focused %d, accepted %d (%.1f%%; perfjournal check %d, "
            "fallback limits %d); bundled %d, refused %d (check %d, fallback %d)"
            % (name, row["examined"], row["not_optimization"], row["focused"], row["focused_accepted"], rate,
               row["focused_accepted_by_check"], row["focused_accepted_by_fallback"], row["bundled"],
               row["bundled_refused"], row["bundled_refused_by_check"], row["bundled_refused_by_fallback"]))


if __name__ == "__main__":
    sys.exit(main())
