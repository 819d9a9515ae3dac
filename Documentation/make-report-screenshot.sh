#!/usr/bin/env bash
# Re-creates Documentation/report.png, the README's screenshot of `perfjournal report --html`: a made-up
# history of 30 commits (six optimizations, one regression, a support commit measured now and then) with
# recorded synthetic runs, rendered by headless Chromium.
# Usage: Documentation/make-report-screenshot.sh [path/to/perfjournal]  (needs chromium: make browser-deps)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-${PERFJOURNAL_BIN:-$here/../.build/debug/perfjournal}}
browser=$(command -v chromium || command -v chromium-browser)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_NOSYSTEM=1 HOME="$work/home" PERFJOURNAL_MACHINE=laptop
export GIT_AUTHOR_NAME=Ada GIT_AUTHOR_EMAIL=ada@example.com GIT_COMMITTER_NAME=Ada GIT_COMMITTER_EMAIL=ada@example.com
mkdir -p "$HOME"
repo="$work/textstats"
git init -q -b main "$repo"
cd "$repo"
echo "def count(words): return len(words)" > stats.py
git add -A && git commit -qm "textstats: word counts"
"$bin" init --no-hooks --bench true --results out.json --format pytest-benchmark --test true >/dev/null
git add -A && git commit -qm "Add perfjournal config"
git remote add origin git@github.com:example/textstats.git

results() {  # $1 seed, then name=median pairs
  python3 - "$@" <<'PY'
import json, random, sys
random.seed(int(sys.argv[1]))
rows = []
for pair in sys.argv[2:]:
    name, median = pair.split("=")
    m = float(median)
    data = sorted(m * random.lognormvariate(0, 0.03) for _ in range(25))
    q = lambda p: data[int(p * 24)]
    mean = sum(data) / 25
    sd = (sum((x - mean) ** 2 for x in data) / 24) ** 0.5
    rows.append({"name": name.split("::")[1], "fullname": name, "group": None, "params": None, "param": None,
                 "extra_info": {}, "options": {},
                 "stats": {"min": data[0], "max": data[-1], "mean": mean, "stddev": sd, "rounds": 25, "median": q(0.5),
                           "q1": q(0.25), "q3": q(0.75), "iqr": q(0.75) - q(0.25), "iterations": 1, "ops": 1 / mean,
                           "total": sum(data), "outliers": "0;0", "iqr_outliers": 0, "stddev_outliers": 0,
                           "ld15iqr": data[0], "hd15iqr": data[-1], "data": data}})
print(json.dumps({"machine_info": {}, "commit_info": {}, "benchmarks": rows, "datetime": "2026-01-01T00:00:00", "version": "5.2.3"}))
PY
}

parse=12.0 count=4.0 top=7.5 load=2.2
record() {  # $1 seed, [--baseline]
  results "$1" "bench.py::test_parse=$(echo "$parse / 1000" | bc -l)" "bench.py::test_count=$(echo "$count / 1000" | bc -l)" \
    "bench.py::test_top_words=$(echo "$top / 1000" | bc -l)" "bench.py::test_load=$(echo "$load / 1000" | bc -l)" > "$work/r.json"
  "$bin" record HEAD --results "$work/r.json" --tests passed ${2:-} >/dev/null
}
record 1 --baseline
i=0
commit() {  # $1 message
  i=$((i + 1)); echo "# step $i" >> stats.py; git commit -qam "$1"
}
commit "perf: tokenize with str.split";         parse=8.1;  record 2
commit "docs: explain the tokenizer";            record 3
commit "perf: count with collections.Counter";   count=2.6;  top=6.9; record 4
commit "test: cover empty input";                record 5
commit "perf: heapq.nlargest for the top words"; top=4.1;    record 6
commit "perf: read the file in one call";        load=2.25;  record 7
commit "refactor: split the module";             record 8
commit "perf: cache the stop-word set";          parse=8.4;  count=2.0; top=3.6; record 9
commit "perf: intern frequent words";            parse=6.9;  record 10
commit "chore: bump the test dependencies";      record 11
commit "perf: avoid the lowercase copy";         parse=6.0;  count=1.8; record 12
"$bin" report --html "$work/site" 2>/dev/null
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$work/profile" \
  --window-size=1000,1250 --screenshot="$here/report.png" "file://$work/site/index.html" 2>/dev/null
echo "wrote $here/report.png ($(wc -c < "$here/report.png") bytes)"
