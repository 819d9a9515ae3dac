#!/usr/bin/env bash
# The size of one stored run: a pytest-benchmark file of BENCHMARKS x SAMPLES (default 8 x 6024 = 48,192
# samples, as in issue 16) recorded by perfjournal, as note text and as git stores it (zlib, on disk),
# next to a compact candidate for the sample arrays only (little-endian float64, base64; optionally
# deflated first), which round-trips every double exactly. Decides whether the compact form is worth it.
#
# usage: note-size.sh [BENCHMARKS SAMPLES]    env: PERFJOURNAL_BIN (default: the release build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${PERFJOURNAL_BIN:-$here/../.build/release/perfjournal}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_NOSYSTEM=1 HOME=$work/home GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@localhost \
    GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@localhost
mkdir -p "$HOME"
python3 "$here/make_compare_files.py" "$work/results.json" "$work/unused.json" --benchmarks "${1:-8}" --samples "${2:-6024}"
git init -q -b main "$work/repo"
git -C "$work/repo" commit -q --allow-empty -m measured
"$bin" record -C "$work/repo" HEAD --results "$work/results.json" > /dev/null
git -C "$work/repo" notes --ref=perfjournal show HEAD > "$work/note.json"
blob=$(git -C "$work/repo" ls-tree refs/notes/perfjournal | awk '{print $3}')
git -C "$work/repo" cat-file --batch-check='stored by git: %(objectsize) bytes of note, %(objectsize:disk) bytes on disk (zlib)' <<< "$blob"
python3 - "$work/note.json" <<'PY'
import base64, copy, json, struct, sys, zlib
text = open(sys.argv[1]).read()
note = json.loads(text)
n = sum(len(r["samples"] or []) for run in note["runs"] for r in run["results"])

def compact(deflate):
    c = copy.deepcopy(note)
    for run in c["runs"]:
        for r in run["results"]:
            raw = struct.pack("<%dd" % len(r["samples"]), *r["samples"])
            assert list(struct.unpack("<%dd" % len(r["samples"]), raw)) == r["samples"]  # exact round trip
            r["samples"] = ("f64le+deflate:" if deflate else "f64le:") + base64.b64encode(zlib.compress(raw, 9) if deflate else raw).decode()
    return json.dumps(c, indent=2, sort_keys=True)

def line(label, t):
    z = len(zlib.compress(t.encode(), 1))  # git's default core.compression for loose objects is 1
    print(f"{label:<34} {len(t):>9} bytes text  {z:>9} bytes zlib  ({len(text) / len(t):.2f}x / {zlib_pretty / z:.2f}x smaller than pretty JSON)")

zlib_pretty = len(zlib.compress(text.encode(), 1))
print(f"{n} samples")
line("pretty JSON (today)", text)
line("samples as base64 float64", compact(False))
line("samples as deflate+base64 float64", compact(True))
PY
