#!/usr/bin/env bash
# The rules on big and typical commits: `perfjournal check` of one commit changing 100,000 lines, and the
# commit-msg hook on a typical focused commit (which runs inside `git commit`). Medians from hyperfine.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${PERFJOURNAL_BIN:-$here/../.build/release/perfjournal}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_NOSYSTEM=1 HOME=$work GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@x GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@x
repo=$work/repo
git init -q -b main "$repo" && cd "$repo"
python3 - <<'PY'
import os
os.makedirs("pkg", exist_ok=True)
for f in range(10):
    with open(f"pkg/mod{f}.py", "w") as out:
        for i in range(1000):
            out.write(f"def f{i}(x):\n" + "".join(f"    x = x + {j}\n" for j in range(9)) + "\n")
PY
printf '[bench]\ncommand = "true"\n' > .perfjournal.toml
git add -A && git commit -qm "Initial"
"$bin" record HEAD --results "$here/../Tests/Fixtures/pytest-benchmark/run.json" --baseline >/dev/null
sed -i 's/x = x + /x = x - /' pkg/*.py
git add -A
printf 'perf: rewrite everything\n' > "$work/big-msg"
echo "lines staged: $(git diff --cached --numstat | awk '{s+=$1+$2} END {print s}')"
# The commit-msg hook's change analysis on the whole 100,000-line change, staged.
hyperfine --warmup 1 --runs 10 -N -i --export-json "$work/hook-big.json" "$bin hook commit-msg $work/big-msg"
git commit -q --no-verify -m "perf: rewrite everything"
# A typical focused change, staged, for the commit-msg hook.
sed -i '0,/    x = x - 3$/s//    x -= 3/' pkg/mod1.py
git add pkg/mod1.py
printf 'perf: subtract in place in f0\n' > "$work/msg"
hyperfine --warmup 1 --runs 5 -N -i --export-json "$work/check.json" "$bin check HEAD --json"
hyperfine --warmup 2 --runs 20 -N -i --export-json "$work/hook.json" "$bin hook commit-msg $work/msg"
python3 - "$work" <<'PY'
import json, sys
names = {"hook-big.json": "commit-msg hook, 100,000-line staged change",
         "check.json": "check HEAD --json on that commit (all rules, Python API read twice by ast)",
         "hook.json": "commit-msg hook, typical one-function change"}
for f, label in names.items():
    r = json.load(open(f"{sys.argv[1]}/{f}"))["results"][0]
    print(f"{r['median']*1000:8.1f} ms median  {label}")
PY
