#!/usr/bin/env bash
# Regenerates every fixture under Tests/Fixtures from the real tools (pytest-benchmark,
# hyperfine, Google Benchmark), then derives the malformed variants from those real files.
# Re-runnable: it overwrites what it made. The numbers differ on every run and the tests spot-check
# literal values copied from these files, so after regenerating, update those literals
# (Tests/PerfJournalCoreTests/FormatReaderTests.swift, BenchmarkStorageTests.swift).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# ---------------------------------------------------------------- pytest-benchmark
PB="$HERE/pytest-benchmark"
FEW_ROUNDS=(--benchmark-min-rounds=5 --benchmark-max-time=0.00001 --benchmark-warmup=off -q -p no:cacheprovider)

mkdir -p "$WORK/pyproj"
cp "$PB/project/test_sample.py" "$WORK/pyproj/"
(
  cd "$WORK/pyproj"
  # One-shot JSON export (always carries stats.data).
  pytest "${FEW_ROUNDS[@]}" --benchmark-json="$PB/run.json" test_sample.py

  # Saved runs in .benchmarks/, inside a throwaway git repo so commit_info is real.
  git init -q -b main .
  git -c user.name=fixture -c user.email=fixture@example.com add test_sample.py
  git -c user.name=fixture -c user.email=fixture@example.com commit -q -m "first"
  pytest "${FEW_ROUNDS[@]}" --benchmark-autosave --benchmark-save-data test_sample.py   # 0001, with data
  echo "# second commit" >> test_sample.py
  git -c user.name=fixture -c user.email=fixture@example.com commit -q -am "second"
  pytest "${FEW_ROUNDS[@]}" --benchmark-autosave --benchmark-save-data test_sample.py   # 0002, with data
  echo "# uncommitted change" >> test_sample.py
  pytest "${FEW_ROUNDS[@]}" --benchmark-autosave test_sample.py                         # 0003, dirty, summary only
)
rm -rf "$PB/storage"
mkdir -p "$PB/storage"
cp -R "$WORK/pyproj/.benchmarks/." "$PB/storage/"

# ---------------------------------------------------------------- hyperfine
HF="$HERE/hyperfine"
mkdir -p "$HF"
(
  cd "$WORK"
  hyperfine --runs 10 --export-json "$HF/basic.json" 'sleep 0.001' 'true'
  hyperfine --runs 3 --export-json "$HF/parameter-scan.json" --parameter-scan ms 1 3 'sleep 0.00{ms}'
  hyperfine --runs 1 --export-json "$HF/single-run.json" 'sleep 0.001'
  hyperfine --runs 4 -i --export-json "$HF/failing.json" 'true' 'sh -c "exit 3"'
  # Two results carrying the same "command" (set with --command-name).
  hyperfine --runs 3 --export-json "$HF/same-name.json" -n same -n same 'true' 'sleep 0.001'
) >/dev/null 2>&1

# ---------------------------------------------------------------- Google Benchmark
GB="$HERE/google-benchmark"
g++ -O2 -o "$WORK/bench" "$GB/bench.cc" -lbenchmark -lpthread
"$WORK/bench" --benchmark_min_time=0.01 --benchmark_format=json --benchmark_repetitions=5 >"$GB/repetitions.json"
"$WORK/bench" --benchmark_min_time=0.01 --benchmark_format=json --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true >"$GB/aggregates-only.json"
"$WORK/bench" --benchmark_min_time=0.01 --benchmark_format=json >"$GB/single.json"
"$WORK/bench" --benchmark_min_time=0.01 --benchmark_format=json --benchmark_filter=BM_Broken >"$GB/all-errored.json"

# ---------------------------------------------------------------- malformed variants
M="$HERE/malformed"
mkdir -p "$M"
: >"$M/empty.json"
# First half of a real file: JSON cut off mid-document.
SIZE=$(wc -c <"$PB/run.json")
head -c $((SIZE / 2)) "$PB/run.json" >"$M/truncated.json"
# Valid JSON of no known shape.
printf '{"name": "not a benchmark file", "values": [1, 2, 3]}\n' >"$M/wrong-shape.json"
python3 - "$PB/run.json" "$HF/basic.json" "$GB/repetitions.json" "$M" <<'PY'
import json, sys
pytest_run, hyperfine_basic, google_reps, out = sys.argv[1:]

def dump(name, doc):
    # allow_nan (the default) writes bare NaN tokens, exactly as pytest-benchmark's json.dump would.
    with open(f"{out}/{name}", "w") as f:
        json.dump(doc, f, indent=4)

doc = json.load(open(pytest_run))
doc["benchmarks"] = []
dump("pytest-zero-benchmarks.json", doc)

doc = json.load(open(pytest_run))
doc["benchmarks"][0]["stats"]["data"][1] = float("nan")
doc["benchmarks"][0]["stats"]["mean"] = float("nan")
dump("pytest-nan.json", doc)

doc = json.load(open(pytest_run))
doc["benchmarks"][1]["stats"]["min"] = -abs(doc["benchmarks"][1]["stats"]["min"])
doc["benchmarks"][1]["stats"]["data"][0] = -0.001
dump("pytest-negative.json", doc)

doc = json.load(open(pytest_run))
del doc["benchmarks"][2]["stats"]["median"]
dump("pytest-missing-median.json", doc)

doc = json.load(open(hyperfine_basic))
doc["results"][0]["times"][2] = -0.5
dump("hyperfine-negative.json", doc)

doc = json.load(open(hyperfine_basic))
doc["results"][1]["mean"] = float("inf")
dump("hyperfine-infinite.json", doc)

doc = json.load(open(google_reps))
for row in doc["benchmarks"]:
    if row.get("run_name") == "BM_StringCopy" and row.get("run_type") == "iteration":
        del row["real_time"]
        break
dump("google-missing-real-time.json", doc)
PY
echo "fixtures regenerated under $HERE"
