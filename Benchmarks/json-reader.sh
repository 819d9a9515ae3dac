#!/usr/bin/env bash
# perfjournal's JSON reader (Sources/Results/JSONValue.swift, and ResultFileReader on top of it) against
# Foundation's JSONDecoder and JSONSerialization on the same pytest-benchmark file: by default one of 500
# benchmarks x 1,000 samples from make_compare_files.py (~20 MB), or the files given as arguments.
# The harness is compiled with -O from the real Support and Results sources. Medians of RUNS (default 11).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$here/..
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# One module, so Results' `import Support` lines go.
mkdir "$work/src"
for f in "$root"/Sources/Support/*.swift "$root"/Sources/Results/*.swift; do
    grep -v '^import Support$\|^import [a-z]* Support\.' "$f" > "$work/src/$(basename "$(dirname "$f")")-$(basename "$f")"
done
swiftc -O -parse-as-library -package-name perfjournal -module-name JSONReaderBenchmark \
    "$work"/src/*.swift "$here/json-reader/main.swift" -o "$work/json-reader"
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
    python3 "$here/make_compare_files.py" "$work/a.json" "$work/b.json"
    files=("$work/a.json")
fi
for file in "${files[@]}"; do "$work/json-reader" "$file" "${RUNS:-11}"; done
