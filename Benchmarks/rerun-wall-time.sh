#!/usr/bin/env bash
# How long `perfjournal compare --rerun` takes to decide a known change on this machine, and what it
# decides: a generated project whose benchmark does FACTOR times more work at commit B than at A, a
# baseline at A measured once (nothing learned: the conservative default noise), one run of B, then
# `compare --rerun A B` timed until it decides. With CALIBRATE=N the baseline is measured N times first
# (`baseline --runs N`), as the README's loop does.
# Usage: Benchmarks/rerun-wall-time.sh [FACTOR...]   (default: 2.0 1.2)
# DETECT=false measures on a machine busy with other work: its runs would otherwise all be flagged
# disturbed, and a disturbed run never decides (say so when quoting the figures).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${PERFJOURNAL_BIN:-$here/../.build/debug/perfjournal}
venv=${VENV:-$here/../.venv}
export PATH="$venv/bin:$PATH" GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com \
    GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
for factor in "${@:-2.0 1.2}"; do
    dir=$(mktemp -d)
    export HOME="$dir/home"; mkdir -p "$HOME"
    repo="$dir/repo"; mkdir -p "$repo/bench"
    cd "$repo"; git init -q -b main
    cat > work.py <<'PY'
N = 20000


def squares():
    return sum(i * i for i in range(N))


def words():
    return len(" ".join(str(i) for i in range(N // 4)).split())
PY
    cat > bench/test_work.py <<'PY'
from work import squares, words


def test_squares(benchmark):
    benchmark(squares)


def test_words(benchmark):
    benchmark(words)
PY
    git add -A; git commit -qm "A"
    "$bin" init --no-hooks --bench "python -m pytest bench -q -p no:cacheprovider --benchmark-only --benchmark-max-time=0.5 --benchmark-json=out.json" \
        --results out.json --format pytest-benchmark --test true >/dev/null
    if [ "${DETECT:-true}" = false ]; then
        sed -i 's/^detect_disturbance = true/detect_disturbance = false/' .perfjournal.toml
        "$bin" trust >/dev/null
    fi
    git add -A; git commit -qm "perfjournal config"
    n=$(python3 -c "print(int(20000 * $factor))")
    sed -i "s/^N = 20000/N = $n/" work.py; git commit -qam "B: ${factor}x the work"
    "$bin" baseline HEAD~1 --runs "${CALIBRATE:-1}" >/dev/null 2>&1
    "$bin" run HEAD >/dev/null 2>&1
    start=$(date +%s.%N)
    "$bin" compare --rerun HEAD~1 HEAD > "$dir/compare.txt" 2> "$dir/progress.txt" || true
    end=$(date +%s.%N)
    printf 'factor %s: compare --rerun took %.0f s; %s\n' "$factor" "$(echo "$end - $start" | bc)" "$(grep -E '^(decided|budget)' "$dir/progress.txt" | tail -1)"
    grep -E 'test_|geometric' "$dir/compare.txt" | sed 's/^/    /'
    cd "$here"; rm -rf "$dir"
done
