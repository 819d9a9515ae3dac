#!/usr/bin/env bash
# N concurrent `perfjournal record` on one commit, for N in 1 8 32 (WRITERS): wall time (median of ROUNDS),
# the writers' CPU time (user + system, all N together: on a machine shared with other work the wall time
# moves with the load, the CPU time much less, and CPU / cores is the wall time's floor), bytes written to
# the object store per stored run, and the bytes left unreachable afterwards compared with the bytes of
# the final notes. Every run must be stored exactly once, and no spooled run may be left
# in .git/perfjournal/pending (writers spool their run, then whoever holds the lock writes them all).
#
# usage: store-concurrency.sh [BENCHMARKS SAMPLES]   (default 8 x 6000: ~48k samples per run, as in issue 16)
# env:   PERFJOURNAL_BIN (default: the release build), WRITERS ("1 8 32"), ROUNDS (3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${PERFJOURNAL_BIN:-$here/../.build/release/perfjournal}
benchmarks=${1:-8}
samples=${2:-6000}
writers=${WRITERS:-1 8 32}
rounds=${ROUNDS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_NOSYSTEM=1 HOME=$work/home GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@localhost \
    GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@localhost
mkdir -p "$HOME"
python3 "$here/make_compare_files.py" "$work/results.json" "$work/unused.json" --benchmarks "$benchmarks" --samples "$samples"
echo "results file: $(wc -c < "$work/results.json") bytes, $benchmarks benchmarks x $samples samples; $(nproc) cores; $bin"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# Sets children_cpu to the CPU seconds (user + system) of this shell's finished children so far. Called
# directly, not in $(...): `times` in a subshell would not see this shell's children.
children_cpu() {
    times > "$work/times"
    children_cpu=$(awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, t, "m"); s += t[1] * 60 + t[2] } } END { printf "%.3f", s }' "$work/times")
}

objects_bytes() { find "$1/.git/objects" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}'; }

for n in $writers; do
    : > "$work/times-$n"
    : > "$work/cpu-$n"
    for round in $(seq "$rounds"); do
        repo=$work/repo-$n-$round
        git init -q -b main "$repo"
        git -C "$repo" commit -q --allow-empty -m measured
        before=$(objects_bytes "$repo")
        children_cpu
        cpu_before=$children_cpu
        start=$(date +%s.%N)
        pids=()
        for i in $(seq "$n"); do
            "$bin" record -C "$repo" HEAD --results "$work/results.json" > "$work/out-$n-$i" 2>&1 & pids+=($!)
        done
        failed=0
        for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
        end=$(date +%s.%N)
        echo "$end - $start" | bc >> "$work/times-$n"
        children_cpu
        echo "$children_cpu - $cpu_before" | bc >> "$work/cpu-$n"
        written=$(( $(objects_bytes "$repo") - before ))
        runs=$(git -C "$repo" notes --ref=perfjournal show HEAD | python3 -c 'import json,sys; r=json.load(sys.stdin)["runs"]; print(len(r), len({x["id"] for x in r}))')
        # The final notes: the blobs in the notes ref's current tree (on disk, compressed).
        final=$(git -C "$repo" ls-tree -r refs/notes/perfjournal | awk '{print $3}' \
            | git -C "$repo" cat-file --batch-check='%(objectsize:disk)' | awk '{s += $1} END {print s + 0}')
        unreachable=$(git -C "$repo" fsck --unreachable --no-reflogs 2>/dev/null | awk '{print $3}' \
            | git -C "$repo" cat-file --batch-check='%(objectsize:disk)' | awk '{s += $1} END {print s + 0}')
        spooled=$({ find "$repo/.git/perfjournal/pending" -type f 2>/dev/null || true; } | wc -l)
        writes=$(git -C "$repo" reflog show refs/notes/perfjournal | wc -l)
        echo "writers=$n round=$round failed=$failed runs(stored, distinct)=$runs note-writes=$writes spooled-left=$spooled written=$written B" \
            "per-run=$((written / n)) B final-notes=$final B unreachable=$unreachable B" \
            "unreachable/final=$(echo "scale=2; $unreachable / $final" | bc) time=$(tail -1 "$work/times-$n") s" \
            "cpu=$(tail -1 "$work/cpu-$n") s"
        rm -rf "$repo"
    done
done
python3 - "$work" "$(nproc)" $writers <<'PY'
import statistics, sys
work, cores, ns = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
med = {n: statistics.median(float(x) for x in open(f"{work}/times-{n}")) for n in ns}
cpu = {n: statistics.median(float(x) for x in open(f"{work}/cpu-{n}")) for n in ns}
for n in ns:
    print(f"{n:>3} writers: {med[n]:.2f} s median, {med[n] / med[ns[0]]:.1f}x the time of {ns[0]};"
          f" CPU {cpu[n]:.2f} s median ({cpu[n] / int(n) * 1000:.0f} ms a writer), CPU / {cores} cores"
          f" {cpu[n] / cores:.2f} s = {cpu[n] / cores / med[ns[0]]:.1f}x the time of {ns[0]}")
PY
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
