#!/usr/bin/env bash
# Replays the recorded real runs (Tests/Fixtures/recorded) through the real comparison code and prints
# the figures behind the verdict defaults: the A/A family-wise false-verdict rate with one run a side plus
# the learned noise and with --rerun, the detection rate of each known effect, and what runs made under a
# CPU hog give. The same replays are the assertions of RecordedNoiseTests; this runs them with more
# shuffles (PERFJOURNAL_FULL_CALIBRATION=1) and prints only the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
PERFJOURNAL_FULL_CALIBRATION=1 swift test --filter RecordedNoiseTests 2>&1 | grep -E '^recorded:|✘' | sed 's/^recorded: //' | sort
