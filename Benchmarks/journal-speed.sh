#!/usr/bin/env bash
# How fast the journal renders on a long history (run on demand, not a test):
#   log over 10,000 commits with 2,000 journaled optimizations: target < 1 s median;
#   pr-summary over a 100-commit range: target < 100 ms median.
# Usage: Benchmarks/journal-speed.sh [path/to/perfjournal]  (default: $PERFJOURNAL_BIN, else .build/release)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-${PERFJOURNAL_BIN:-$here/.build/release/perfjournal}}
[ -x "$bin" ] || { echo "build first: swift build -c release" >&2; exit 64; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_NOSYSTEM=1 HOME="$work/home" PERFJOURNAL_MACHINE=speed-machine
export GIT_AUTHOR_NAME=speed GIT_AUTHOR_EMAIL=speed@example.com GIT_COMMITTER_NAME=speed GIT_COMMITTER_EMAIL=speed@example.com
mkdir -p "$HOME"

# results.json: three benchmarks, 20 samples each, medians scaled by $1.
results() {
  python3 - "$1" <<'PY'
import json, sys, random
scale = float(sys.argv[1]); random.seed(int(scale * 1e6))
rows = []
for name, median in (("t::parse", 0.012), ("t::render", 0.0025), ("t::sort", 0.00048)):
    data = sorted(median * scale * random.lognormvariate(0, 0.02) for _ in range(20))
    q = lambda p: data[int(p * 19)]
    mean = sum(data) / 20
    sd = (sum((x - mean) ** 2 for x in data) / 19) ** 0.5
    rows.append({"name": name, "fullname": name, "group": None, "params": None, "param": None, "extra_info": {}, "options": {},
                 "stats": {"min": data[0], "max": data[-1], "mean": mean, "stddev": sd, "rounds": 20, "median": q(0.5),
                           "q1": q(0.25), "q3": q(0.75), "iqr": q(0.75) - q(0.25), "iterations": 1, "ops": 1 / mean,
                           "total": sum(data), "outliers": "0;0", "iqr_outliers": 0, "stddev_outliers": 0,
                           "ld15iqr": data[0], "hd15iqr": data[-1], "data": data}})
print(json.dumps({"machine_info": {}, "commit_info": {}, "benchmarks": rows, "datetime": "2026-01-01T00:00:00", "version": "5.2.3"}))
PY
}

make_repo() {  # $1 dir, $2 commits, $3 every how many commits an optimization
  local dir=$1 count=$2 every=$3
  git init -q -b main "$dir"
  (cd "$dir" && "$bin" init --no-hooks --bench true --results out.json --format pytest-benchmark --test true >/dev/null &&
    git add -A && git commit -qm "setup")
  results 1.0 > "$work/r.json"
  "$bin" record -C "$dir" HEAD --results "$work/r.json" --baseline --tests passed >/dev/null
  # fast-import: $count commits, each touching one file; every $every-th is a perf: commit.
  python3 - "$count" "$every" <<'PY' | (cd "$dir" && git fast-import --quiet)
import sys
count, every = int(sys.argv[1]), int(sys.argv[2])
print("reset refs/heads/main\nfrom refs/heads/main^0")
for i in range(1, count + 1):
    msg = (f"perf: optimization {i}\n\nMakes step {i} faster.\n" if i % every == 0 else f"chore: step {i}\n")
    data = f"def f{i}():\n    return {i}\n"
    print(f"commit refs/heads/main\ncommitter speed <speed@example.com> {1700000000 + i} +0000")
    print(f"data {len(msg.encode())}\n{msg}")
    print(f"M 644 inline src/m{i % 50}.py\ndata {len(data.encode())}\n{data}")
PY
  (cd "$dir" && git reset -q --hard main)
}

measure() {  # $1 label, then the command; prints the median of 5 runs
  local label=$1; shift
  "$@" >/dev/null  # warm-up
  local times=()
  for _ in 1 2 3 4 5; do
    local start end
    start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
  done
  printf '%s median: %s s\n' "$label" "$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)"
}

make_repo "$work/long" 10000 5
# Record runs on every optimization of the last 100 commits (recording 2,000 would dominate the set-up).
for rev in $(git -C "$work/long" rev-list --grep '^perf:' -n 20 HEAD); do
  "$bin" record -C "$work/long" "$rev" --results "$work/r.json" --tests passed >/dev/null
done
measure "log, 10000 commits, 2000 optimizations" "$bin" log -C "$work/long"

make_repo "$work/short" 100 5
for rev in $(git -C "$work/short" rev-list --grep '^perf:' HEAD); do
  results 0.9 > "$work/r2.json"
  "$bin" record -C "$work/short" "$rev" --results "$work/r2.json" --tests passed >/dev/null
done
measure "pr-summary, 100 commits" "$bin" pr-summary -C "$work/short"
