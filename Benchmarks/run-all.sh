#!/usr/bin/env bash
# Every speed script in this folder, one after the other, against the release build (`make bench`).
# Each prints its medians; none of them is a test, and timings are never asserted.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export PERFJOURNAL_BIN=${PERFJOURNAL_BIN:-$here/../.build/release/perfjournal}
for script in show-status.sh compare.sh check-speed.sh hook-latency.sh json-reader.sh report-speed.sh; do
    echo "== $script"
    bash "$here/$script"
done
echo "== journal-speed.sh"
bash "$here/journal-speed.sh" "$PERFJOURNAL_BIN"
