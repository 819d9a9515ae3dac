"""pytest plugin used by `perfjournal init` to prove a benchmark command before saving it.

Loaded with `-p perfjournal_collect` during `--collect-only`; it writes the collected items to the JSON file
named by PERFJOURNAL_COLLECT_OUT: {"items": [{"nodeid", "file", "benchmark"}]}, where "benchmark" is true
for the items that request pytest-benchmark's `benchmark` fixture (pytest-benchmark's own test for what
`--benchmark-only` keeps). It reads the collection and changes nothing.
"""

import json
import os


def pytest_collection_finish(session):
    out = os.environ.get("PERFJOURNAL_COLLECT_OUT")
    if not out:
        return
    items = []
    for item in session.items:
        names = getattr(item, "fixturenames", ()) or ()
        items.append({
            "nodeid": item.nodeid,
            "file": item.location[0] if getattr(item, "location", None) else item.nodeid.split("::", 1)[0],
            "benchmark": "benchmark" in names,
        })
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"items": items}, f)
