#!/usr/bin/env bash
# `perfjournal show` and `status` on a 10,000-commit repository with 1,000 notes, against the
# `git log --notes` walk that does the same work. Medians from hyperfine (warm: perfjournal's caches
# under .git/perfjournal/cache are filled by the warm-up runs; the first status after a change pays
# for judging the history once).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${PERFJOURNAL_BIN:-$here/../.build/release/perfjournal}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_NOSYSTEM=1 HOME=$work

# A real note to copy: record the pytest-benchmark fixture in a scratch repo.
git init -q -b main "$work/seed"
git -C "$work/seed" -c user.name=b -c user.email=b@x commit -q --allow-empty -m seed
(cd "$work/seed" && "$bin" record HEAD --results "$here/../Tests/Fixtures/pytest-benchmark/run.json" --baseline >/dev/null \
    && git notes --ref=perfjournal show HEAD > "$work/note.json")
python3 "$here/make_history_repo.py" "$work/repo" --commits 10000 --notes 1000 --note-template "$work/note.json"
cd "$work/repo"
baseline=$(git rev-list --max-parents=0 HEAD)
# A configured repository, as a user's is: status then also shows the checklist (judged once, then
# read from its cache while nothing changes; hyperfine's warm-up runs fill the caches).
"$bin" init --no-hooks --bench true --results r.json --format pytest-benchmark --test true >/dev/null
hyperfine --warmup 3 --runs 30 -N --export-json "$work/show-status.json" \
    "$bin show HEAD~10" \
    "$bin status" \
    "$bin status --json" \
    "git log --notes=perfjournal --format='%H %N' $baseline..HEAD"
python3 - "$work/show-status.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
med = {x["command"].split("/")[-1]: x["median"] * 1000 for x in r}
for k, v in med.items():
    print(f"{v:8.1f} ms median  {k}")
gitlog = [v for k, v in med.items() if k.startswith("git log")][0]
status = [v for k, v in med.items() if k.endswith(" status")][0]
print(f"status / git log ratio: {status / gitlog:.2f}")
PY
