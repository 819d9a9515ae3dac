#!/usr/bin/env bash
# Issue 10's speed figures (not a test; nothing is asserted):
#  1. profiling overhead: a real pytest-benchmark suite's wall time with and without perfjournal's
#     PYTEST_ADDOPTS (default loops "auto", tracemalloc), medians of 3;
#  2. bytes per run in refs/notes/perfjournal-profiles for that suite;
#  3. `perfjournal profile A B --json` over 100 benchmarks x 300 functions (synthetic notes), median of 5.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${PERFJOURNAL_BIN:-$here/../.build/release/perfjournal}
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { "$python" -c 'import time; print(time.time())'; }

# 1 and 2: a small real suite (quadratic, linear, string and dict work), default pytest-benchmark settings.
mkdir -p "$work/suite/lib" "$work/suite/benchmarks"
cat > "$work/suite/lib/__init__.py" <<'PY'
def dedupe(items):
    out = []
    for item in items:
        if item not in out:
            out.append(item)
    return out

def words(text):
    return sorted(set(text.split()))

def counts(items):
    d = {}
    for x in items:
        d[x] = d.get(x, 0) + 1
    return d
PY
cat > "$work/suite/benchmarks/test_suite.py" <<'PY'
import pytest
from lib import dedupe, words, counts

@pytest.mark.parametrize("n", [50, 200, 400])
def test_dedupe(benchmark, n):
    benchmark(dedupe, list(range(n)) * 2)

@pytest.mark.parametrize("n", [100, 1000, 10000])
def test_words(benchmark, n):
    benchmark(words, "lorem ipsum dolor sit amet " * n)

@pytest.mark.parametrize("n", [100, 10000])
def test_counts(benchmark, n):
    benchmark(counts, list(range(100)) * (n // 100))
PY
helpers=$work/helpers
mkdir -p "$helpers"
cp "$here/../Helpers/perfjournal_profile.py" "$here/../Helpers/profile_convert.py" "$helpers/"
cd "$work/suite"
plain=(); profiled=()
for i in 1 2 3; do
    t0=$(now); "$python" -m pytest -q -p no:cacheprovider benchmarks >/dev/null; t1=$(now)
    plain+=("$("$python" -c "print($t1 - $t0)")")
    rm -rf "$work/run"; mkdir -p "$work/run"
    t0=$(now)
    PYTHONPATH=$helpers PERFJOURNAL_PROFILE_MANIFEST=$work/run/manifest.jsonl \
    PYTEST_ADDOPTS="-p perfjournal_profile --benchmark-cprofile=cumtime --benchmark-cprofile-loops=auto --benchmark-cprofile-dump=$work/run/dump" \
        "$python" -m pytest -q -p no:cacheprovider benchmarks >/dev/null
    "$python" "$helpers/profile_convert.py" --root "$work/suite" --manifest "$work/run/manifest.jsonl" > "$work/run/converted.json"
    t1=$(now)
    profiled+=("$("$python" -c "print($t1 - $t0)")")
done
p=$(printf '%s\n' "${plain[@]}" | median); q=$(printf '%s\n' "${profiled[@]}" | median)
"$python" - "$p" "$q" "$work/run/converted.json" <<'PY'
import json, sys
plain, profiled, converted = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
data = json.load(open(converted))
n = len(data["benchmarks"])
# What the note holds per run: the converted benchmarks, compact JSON (as ProfileStore writes them).
note = json.dumps({"schema": 1, "runs": {"x" * 36: {"python": data["python"], "benchmarks": data["benchmarks"]}}}, separators=(",", ":"), sort_keys=True)
print(f"suite of {n} benchmarks: {plain:.2f} s plain, {profiled:.2f} s profiled (with conversion): overhead {100 * (profiled / plain - 1):.1f}%")
print(f"profile note: {len(note)} bytes per run ({len(note) // max(n, 1)} bytes per benchmark)")
PY

# 3: profile A B over 100 benchmarks x 300 functions.
repo=$work/repo
git init -q -b main "$repo"; cd "$repo"
git -c user.name=b -c user.email=b@b commit -q --allow-empty -m a
git -c user.name=b -c user.email=b@b commit -q --allow-empty -m b
fixture=$here/../Tests/Fixtures/pytest-benchmark/run.json
for rev in HEAD~1 HEAD; do "$bin" record "$rev" --results "$fixture" >/dev/null; done
for rev in HEAD~1 HEAD; do
    run=$(git notes --ref=perfjournal show "$rev" | "$python" -c 'import json,sys; print(json.load(sys.stdin)["runs"][-1]["id"])')
    "$python" - "$run" "$rev" > "$work/note.json" <<'PY'
import json, random, sys
random.seed(sys.argv[2])
benchmarks = []
for b in range(100):
    functions = [[f"pkg/mod{f % 20}.py", f"func{f}", f, 1, 10, random.random() * 1e-4, random.random() * 1e-3] for f in range(300)]
    edges = [[f // 2, f, 10, functions[f][6]] for f in range(1, 300)]
    benchmarks.append({"name": f"tests/test_x.py::test_{b}", "loops": 10, "total_seconds": 1e-3, "peak_memory_bytes": 1 << 20,
                       "functions": functions, "edges": edges})
print(json.dumps({"schema": 1, "runs": {sys.argv[1]: {"python": "3.12.0", "benchmarks": benchmarks}}}, separators=(",", ":")))
PY
    git notes --ref=perfjournal-profiles add -f -F "$work/note.json" "$rev"
done
times=()
for i in 1 2 3 4 5; do
    t0=$(now); "$bin" profile HEAD~1 HEAD --json > /dev/null; t1=$(now)
    times+=("$("$python" -c "print(($t1 - $t0) * 1000)")")
done
echo "profile A B, 100 benchmarks x 300 functions: $(printf '%s\n' "${times[@]}" | median | cut -c1-6) ms (median of 5; note $(wc -c < "$work/note.json") bytes)"
