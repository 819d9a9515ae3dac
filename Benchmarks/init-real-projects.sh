#!/usr/bin/env bash
# `perfjournal init` on real projects with pytest-benchmark suites (issue 13's "measured on real history").
#
#   bash Benchmarks/init-real-projects.sh setup     # clone each project into $EVAL/<name>/src, make its venv
#   bash Benchmarks/init-real-projects.sh expected  # the benchmarks each project's OWN documented command collects
#   bash Benchmarks/init-real-projects.sh measure   # `perfjournal init` (no flags) then `baseline`, compared
#
# Each project comes from a local snapshot of its repository (MIRRORS, one git dir per owner+name); nothing
# of the projects is kept in this repository. Every venv lives in $EVAL/<name>/venv, with the project
# installed (editable) plus what its benchmark suite imports. PYTEST_ADDOPTS shortens each benchmark's
# timing (--benchmark-max-time) to keep the evaluation quick: it changes how long each benchmark is timed,
# never which benchmarks run.
set -uo pipefail
EVAL=${EVAL:-/tmp/init-eval}
MIRRORS=${MIRRORS:-/work/.mirror}
HERE=$(cd "$(dirname "$0")/.." && pwd)
PERFJOURNAL=${PERFJOURNAL:-$HERE/.build/debug/perfjournal}
PLUGIN_DIR=$HERE/Helpers
PROJECTS=(markdown-it-py cattrs pluggy graphql-core dacite)

mirror() {
    case $1 in
        markdown-it-py) echo executablebooks+markdown-it-py ;;
        cattrs) echo python-attrs+cattrs ;;
        pluggy) echo pytest-dev+pluggy ;;
        graphql-core) echo graphql-python+graphql-core ;;
        dacite) echo konradhalas+dacite ;;
    esac
}

# What each project installs for its benchmark suite (from its own pyproject/setup.py/tox.ini).
install() {
    local pip=$EVAL/$1/venv/bin/pip
    case $1 in
        # tox env py310-bench-core: extras = benchmarking
        markdown-it-py) $pip install -q -e ".[benchmarking]" ;;
        # Justfile bench: uv run --group test pytest bench (the bench suite imports the msgspec/orjson converters)
        cattrs) $pip install -q -e ".[msgspec,orjson,ujson,msgpack,pyyaml,tomlkit,cbor2]" hypothesis immutables pytest pytest-benchmark ;;
        # tox env benchmark: deps = pytest, pytest-benchmark
        pluggy) $pip install -q -e . pytest pytest-benchmark ;;
        # tox testenv: dependency_groups = test (without pytest-codspeed, whose runner is a service)
        graphql-core) $pip install -q -e . anyio "pytest>=9,<10" "pytest-benchmark>=5.2,<6" pytest-describe pytest-timeout ;;
        # setup.py extras_require["dev"] (the test tools of it)
        dacite) $pip install -q -e . pytest pytest-benchmark ;;
    esac
}

# The project's own documented benchmark command, as pytest arguments (from the source named).
documented() {
    case $1 in
        markdown-it-py) echo "benchmarking/bench_core.py" ;;          # tox.ini [testenv:py{310,...}-bench-core]
        cattrs) echo "bench" ;;                                       # Justfile bench, docs/benchmarking.md `make bench`
        pluggy) echo "testing/benchmark.py" ;;                        # tox.ini [testenv:benchmark] {posargs:testing/benchmark.py}
        graphql-core) echo "tests -k benchmarks --benchmark-enable" ;; # tox.ini comment + CI: tox -e py3xx -- -k benchmarks --benchmark-enable
        dacite) echo "" ;;                                            # README "Performance testing": run `pytest`
    esac
}

setup_one() {
    local name=$1 dir=$EVAL/$1
    mkdir -p "$dir"
    if [ ! -d "$dir/src/.git" ]; then
        git clone -q "$MIRRORS/$(mirror "$name")/repo" "$dir/src" || return 1
    fi
    [ -x "$dir/venv/bin/python" ] || python3 -m venv "$dir/venv"
    "$dir/venv/bin/pip" install -q --upgrade pip >/dev/null
    (cd "$dir/src" && install "$name") > "$dir/install.log" 2>&1 || { echo "$name: install failed (see $dir/install.log)"; return 1; }
    echo "$name: ready"
}

# Prints the node ids of the benchmarks a pytest selection collects, one per line.
collect() {
    local name=$1; shift
    local out
    out=$(mktemp)
    (cd "$EVAL/$name/src" && PATH="$EVAL/$name/venv/bin:$PATH" PYTHONPATH="$PLUGIN_DIR${PYTHONPATH:+:$PYTHONPATH}" \
        PERFJOURNAL_COLLECT_OUT=$out pytest -p perfjournal_collect --collect-only -q "$@" > "$EVAL/$name/collect.log" 2>&1)
    python3 -c 'import json,sys; [print(i["nodeid"]) for i in json.load(open(sys.argv[1]))["items"] if i["benchmark"]]' "$out"
    rm -f "$out"
}

expected_one() {
    local name=$1
    # shellcheck disable=SC2046
    collect "$name" $(documented "$name") | sort > "$EVAL/$name/expected.txt"
    echo "$name: $(wc -l < "$EVAL/$name/expected.txt") benchmarks by its documented command (pytest $(documented "$name"))"
}

measure_one() {
    local name=$1 src=$EVAL/$1/src
    export PATH="$EVAL/$name/venv/bin:$PATH"
    (
        cd "$src" || exit 1
        # The editable install's generated files stay; only what perfjournal wrote goes.
        git checkout -q -- . && rm -f .perfjournal.toml
        git config user.email eval@example.com; git config user.name eval
        "$PERFJOURNAL" init --no-hooks > "$EVAL/$name/init.log" 2>&1 || { echo "$name: init failed: $(tail -1 "$EVAL/$name/init.log")"; exit 1; }
        PYTEST_ADDOPTS="--benchmark-max-time=0.05 --benchmark-min-rounds=5" \
            "$PERFJOURNAL" baseline > "$EVAL/$name/baseline.log" 2>&1 || { echo "$name: baseline failed: $(tail -1 "$EVAL/$name/baseline.log")"; exit 1; }
        "$PERFJOURNAL" show --json HEAD | python3 -c '
import json, sys
runs = json.load(sys.stdin)["runs"]
for r in runs[-1:]:
    for b in r["results"]:
        print(b["name"])' | sort > "$EVAL/$name/measured.txt"
    )
    local e m
    e=$(wc -l < "$EVAL/$name/expected.txt"); m=$(wc -l < "$EVAL/$name/measured.txt" 2>/dev/null || echo 0)
    if diff -q "$EVAL/$name/expected.txt" "$EVAL/$name/measured.txt" >/dev/null 2>&1; then
        echo "$name: MATCH expected $e, measured $m  ($(grep '^  bench:' "$EVAL/$name/init.log" | head -1 | sed 's/^  bench: *//'))"
    else
        echo "$name: DIFFERENT expected $e, measured $m"
        diff "$EVAL/$name/expected.txt" "$EVAL/$name/measured.txt" | head -10
    fi
}

step=${1:-all}
shift || true
[ $# -gt 0 ] && PROJECTS=("$@")
for p in "${PROJECTS[@]}"; do
    case $step in
        setup) setup_one "$p" ;;
        expected) expected_one "$p" ;;
        measure) measure_one "$p" ;;
        all) setup_one "$p" && expected_one "$p" && measure_one "$p" ;;
    esac
done
