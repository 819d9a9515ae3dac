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
git add -A && git commit -q --no-verify -m "perf: rewrite everything"
echo "lines changed: $(git show --numstat --format= HEAD | awk '{s+=$1+$2} END {print s}')"
git reset -q --soft HEAD~1 && git reset -q && git stash -q
sed -i 's/    x = x + 3$/    x += 3/' pkg/mod1.py
git add pkg/mod1.py
printf 'perf: add in place in f3\n' > "$work/msg"
git stash pop -q 2>/dev/null || true
git checkout -q -- pkg/mod0.py pkg/mod2.py pkg/mod3.py pkg/mod4.py pkg/mod5.py pkg/mod6.py pkg/mod7.py pkg/mod8.py pkg/mod9.py 2>/dev/null || true
git add pkg/mod1.py
sed -i 's/x = x - /x = x + /' pkg/mod1.py 2>/dev/null; git add pkg/mod1.py
git commit -q --no-verify -m "perf: rewrite everything" -a
hyperfine --warmup 2 --runs 10 -N --export-json "$work/check.json" \
    "$bin check HEAD --json" \
    "$bin hook commit-msg $work/msg"
python3 - "$work/check.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['median']*1000:8.1f} ms median  {r['command'].split('/')[-1]}")
PY
