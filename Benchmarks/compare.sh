#!/usr/bin/env bash
# `perfjournal compare --json` on two runs of 500 benchmarks x 1,000 samples, end to end through the CLI,
# against `pytest-benchmark compare` on the same two files, in one hyperfine run. Medians and ratio.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${PERFJOURNAL_BIN:-$here/../.build/release/perfjournal}
pytest_benchmark=${PYTEST_BENCHMARK:-$(command -v pytest-benchmark || echo "$here/../.venv/bin/pytest-benchmark")}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/make_compare_files.py" "$work/0001_a.json" "$work/0002_b.json"
ls -la "$work"/*.json | awk '{print $5, $9}'
hyperfine --warmup 2 --runs 15 -i --export-json "$work/compare.json" \
    "$bin compare $work/0001_a.json $work/0002_b.json --json" \
    "$pytest_benchmark compare $work/0001_a.json $work/0002_b.json"
python3 - "$work/compare.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
pj, pb = r[0]["median"], r[1]["median"]
print(f"perfjournal compare --json: {pj*1000:.0f} ms median")
print(f"pytest-benchmark compare:   {pb*1000:.0f} ms median")
print(f"pytest-benchmark / perfjournal: {pb/pj:.1f}x")
PY
