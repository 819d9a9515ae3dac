#!/usr/bin/env bash
# How fast `perfjournal report --html` renders a long history, and how heavy the page is (run on demand,
# not a test): 10,000 commits, 2,000 of them measured over 50 benchmarks. Target: < 2 s median (hyperfine).
# Also prints the page's size, its element count, and how long headless Chromium takes to load it and run
# its script (needs chromium: `make browser-deps`).
# With a second binary, also compares the two, interleaved run by run on twin copies of the repository
# (each keeps its own caches, which a different build ignores): on a shared machine, load moves both alike.
# Usage: Benchmarks/report-speed.sh [path/to/perfjournal [path/to/other-perfjournal]]
#   (default: $PERFJOURNAL_BIN, else .build/release; ROUNDS=12 interleaved rounds)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-${PERFJOURNAL_BIN:-$here/../.build/release/perfjournal}}
other=${2:-}
[ -x "$bin" ] || { echo "build first: swift build -c release" >&2; exit 64; }
[ -z "$other" ] || [ -x "$other" ] || { echo "not an executable: $other" >&2; exit 64; }
command -v hyperfine >/dev/null || { echo "needs hyperfine (make bench installs it)" >&2; exit 64; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_NOSYSTEM=1 HOME="$work/home" PERFJOURNAL_MACHINE=speed-machine
export GIT_AUTHOR_NAME=speed GIT_AUTHOR_EMAIL=speed@example.com GIT_COMMITTER_NAME=speed GIT_COMMITTER_EMAIL=speed@example.com
mkdir -p "$HOME"

# A note with 50 benchmarks of 20 rounds each, recorded by perfjournal itself, copied onto 2,000 commits.
python3 - > "$work/results.json" <<'PY'
import json, random
random.seed(7)
rows = []
for i in range(50):
    median = 0.0005 * (1 + i % 7) * (10 ** (i % 3))
    data = sorted(median * random.lognormvariate(0, 0.03) for _ in range(20))
    q = lambda p: data[int(p * 19)]
    mean = sum(data) / 20
    sd = (sum((x - mean) ** 2 for x in data) / 19) ** 0.5
    name = f"benchmarks/test_module_{i // 10}.py::test_case_{i:02d}"
    rows.append({"name": name.split("::")[1], "fullname": name, "group": None, "params": None, "param": None,
                 "extra_info": {}, "options": {},
                 "stats": {"min": data[0], "max": data[-1], "mean": mean, "stddev": sd, "rounds": 20, "median": q(0.5),
                           "q1": q(0.25), "q3": q(0.75), "iqr": q(0.75) - q(0.25), "iterations": 1, "ops": 1 / mean,
                           "total": sum(data), "outliers": "0;0", "iqr_outliers": 0, "stddev_outliers": 0,
                           "ld15iqr": data[0], "hd15iqr": data[-1], "data": data}})
print(json.dumps({"machine_info": {}, "commit_info": {}, "benchmarks": rows, "datetime": "2026-01-01T00:00:00", "version": "5.2.3"}))
PY
git init -q "$work/seed"
git -C "$work/seed" commit -q --allow-empty -m seed
(cd "$work/seed" && "$bin" record HEAD --results "$work/results.json" --tests passed >/dev/null \
    && git notes --ref=perfjournal show HEAD > "$work/note.json")
python3 "$here/make_history_repo.py" "$work/repo" --commits 10000 --notes 2000 --note-template "$work/note.json" --as-recorded
cd "$work/repo"
"$bin" init --no-hooks --bench true --results r.json --format pytest-benchmark --test true >/dev/null
git remote add origin https://github.com/example/project.git

# The first run fills perfjournal's caches (commit graph, diffs), as any earlier command on the repository would.
hyperfine --warmup 2 --runs 10 -N --export-json "$work/report.json" "$bin report --html $work/site"
python3 - "$work/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"report --html, 10,000 commits, 2,000 measured, 50 benchmarks: median {r['median']:.3f} s (min {r['min']:.3f} s)")
PY
page="$work/site/index.html"
printf 'page: %s bytes, %s SVG paths, %s elements\n' "$(wc -c < "$page")" "$(grep -o '<path' "$page" | wc -l)" "$(grep -o '<[a-z]' "$page" | wc -l)"

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$browser" ]; then
  # Headless load: from start to the DOM dump, which happens after the page's script ran (data-ok).
  loads=()
  for _ in 1 2 3 4 5; do
    start=$(date +%s.%N)
    "$browser" --headless --no-sandbox --disable-gpu --user-data-dir="$work/profile" --dump-dom "file://$page" > "$work/dom.html" 2>/dev/null
    end=$(date +%s.%N)
    loads+=("$(echo "$end - $start" | bc)")
  done
  grep -q 'data-ok="1"' "$work/dom.html" || { echo "the page's script did not finish" >&2; exit 1; }
  # The same with an empty page, to subtract Chromium's own start-up.
  echo '<!doctype html><title>empty</title>' > "$work/empty.html"
  empties=()
  for _ in 1 2 3 4 5; do
    start=$(date +%s.%N)
    "$browser" --headless --no-sandbox --disable-gpu --user-data-dir="$work/profile" --dump-dom "file://$work/empty.html" > /dev/null 2>&1
    end=$(date +%s.%N)
    empties+=("$(echo "$end - $start" | bc)")
  done
  printf 'headless chromium, load + script + DOM dump: median %s s (an empty page: %s s)\n' \
    "$(printf '%s\n' "${loads[@]}" | sort -n | sed -n 3p)" "$(printf '%s\n' "${empties[@]}" | sort -n | sed -n 3p)"
else
  echo "chromium not found: page load not measured (make browser-deps)"
fi

if [ -n "$other" ]; then
  cp -a "$work/repo" "$work/twin"
  for round in 0 1; do  # the first run of each build fills its caches
    (cd "$work/repo" && "$bin" report --html "$work/site-a" >/dev/null 2>&1)
    (cd "$work/twin" && "$other" report --html "$work/site-b" >/dev/null 2>&1)
  done
  # The twins differ only in their directory's name, which is the page's title.
  sed 's/twin/repo/g' "$work/site-b/index.html" | cmp -s - "$work/site-a/index.html" \
    && echo "the two builds write the same page" || echo "the two builds write different pages"
  TIMEFORMAT='%R %U'
  : > "$work/ab.txt"
  for _ in $(seq "${ROUNDS:-12}"); do
    { time (cd "$work/repo" && "$bin" report --html "$work/site-a" >/dev/null 2>&1); } 2>&1 | sed 's/^/a /' >> "$work/ab.txt"
    { time (cd "$work/twin" && "$other" report --html "$work/site-b" >/dev/null 2>&1); } 2>&1 | sed 's/^/b /' >> "$work/ab.txt"
  done
  python3 - "$work/ab.txt" "$bin" "$other" <<'PY'
import statistics, sys
runs = {"a": [], "b": []}
for line in open(sys.argv[1]):
    side, wall, user = line.split()
    runs[side].append((float(wall), float(user)))
def summary(side):
    walls = [w for w, _ in runs[side]]
    return statistics.median(walls), min(walls), max(walls), statistics.median(u for _, u in runs[side])
a, b = summary("a"), summary("b")
for label, path, (median, low, high, user) in (("this", sys.argv[2], a), ("other", sys.argv[3], b)):
    print(f"{label} ({path}): median {median:.3f} s (min {low:.3f}, max {high:.3f}), user CPU {user:.3f} s")
print(f"interleaved, {len(runs['a'])} rounds: this / other = {a[0] / b[0]:.2f} (wall), {a[3] / b[3]:.2f} (user CPU)")
PY
fi
