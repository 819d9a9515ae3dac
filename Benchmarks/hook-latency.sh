#!/usr/bin/env bash
# What perfjournal's post-commit hook adds to `git commit` on a 10,000-commit repository, measured in
# one hyperfine run: no hook at all, the hook with no daemon (autostart off, so the job just waits),
# the hook with a daemon running, and the old path that started the perfjournal binary from the hook.
# The daemon is kept paused (its config is changed after `init`, so it is not trusted) so that its
# benchmark runs do not compete for the CPU with the commits being timed.
# usage: Benchmarks/hook-latency.sh [runs]   (PERFJOURNAL_BIN overrides the binary)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${PERFJOURNAL_BIN:-$here/../.build/release/perfjournal}
runs=${1:-60}
work=$(mktemp -d)
export GIT_CONFIG_NOSYSTEM=1 HOME=$work XDG_RUNTIME_DIR=$work/run
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
cleanup() { "$bin" daemon stop -C "$work/repo" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
git config --global user.name bench && git config --global user.email bench@example.com

# A real note to copy: record the pytest-benchmark fixture in a scratch repo.
git init -q -b main "$work/seed"
git -C "$work/seed" commit -q --allow-empty -m seed
(cd "$work/seed" && "$bin" record HEAD --results "$here/../Tests/Fixtures/pytest-benchmark/run.json" --baseline >/dev/null \
    && git notes --ref=perfjournal show HEAD > "$work/note.json")
python3 "$here/make_history_repo.py" "$work/repo" --commits 10000 --notes 100 --note-template "$work/note.json"
cd "$work/repo"
git checkout -q -f main 2>/dev/null || true
"$bin" init --bench "true" --results r.json --format hyperfine --test "" >/dev/null
hooks=$(git rev-parse --git-common-dir)/hooks
# The post-commit hook alone (what the 15 ms budget is about); the commit-msg hook is timed separately.
mkdir -p "$work/post-commit-only"
cp "$hooks/post-commit" "$work/post-commit-only/"
# The old hook: start the binary, which queues the job itself.
mkdir -p "$work/old-hooks"
printf '#!/bin/sh\nexec %s hook post-commit >/dev/null 2>&1\n' "$bin" > "$work/old-hooks/post-commit"
chmod +x "$work/old-hooks/post-commit"

# No daemon: autostart off, so the hook only leaves the job.
sed -i 's/^autostart = true/autostart = false/' .perfjournal.toml
"$bin" trust >/dev/null

hyperfine --warmup 5 --runs "$runs" -N --export-json "$work/no-daemon.json" \
    --command-name "no hook" "git -c core.hooksPath=$work/none commit -q --allow-empty -m x" \
    --command-name "post-commit, no daemon" "git -c core.hooksPath=$work/post-commit-only commit -q --allow-empty -m x" \
    --command-name "all hooks, no daemon" "git commit -q --allow-empty -m x" \
    --command-name "binary hook (old)" "git -c core.hooksPath=$work/old-hooks commit -q --allow-empty -m x"

# Daemon running, paused: the config changes after it is trusted.
"$bin" daemon start >/dev/null
echo "# changed after trust" >> .perfjournal.toml
sed -i 's/^timeout = 1800$/timeout = 1801/' .perfjournal.toml
hyperfine --warmup 5 --runs "$runs" -N --export-json "$work/daemon.json" \
    --command-name "no hook " "git -c core.hooksPath=$work/none commit -q --allow-empty -m x" \
    --command-name "post-commit, daemon" "git -c core.hooksPath=$work/post-commit-only commit -q --allow-empty -m x" \
    --command-name "all hooks, daemon" "git commit -q --allow-empty -m x" \
    --command-name "all hooks, perf: commit" "git commit -q --allow-empty -m 'perf: x'"
"$bin" daemon stop >/dev/null

python3 - "$work/no-daemon.json" "$work/daemon.json" <<'PY'
import json, sys
for path in sys.argv[1:]:
    results = json.load(open(path))["results"]
    base = results[0]["median"]
    for r in results:
        print(f'{r["command"].strip():24} median {r["median"]*1000:7.2f} ms  (+{(r["median"]-base)*1000:5.2f} ms, x{r["median"]/base:.2f})')
PY
