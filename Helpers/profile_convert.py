"""Converts pytest-benchmark's cProfile dumps to the JSON perfjournal stores (run by `perfjournal run` with
the project's own python, stdlib only).

pstats dumps are marshal data whose layout changes with Python versions, so they are read here, by the
interpreter that wrote them, and never by perfjournal itself.

    profile_convert.py --root DIR --manifest FILE [--max-functions 300] [--coverage 0.995] [--all]
    profile_convert.py --root DIR --dump FILE --loops N --name NAME [--all]

The manifest is what Helpers/perfjournal_profile.py wrote: one JSON object per line, {"name", "dump",
"loops", "peak_memory_bytes", "peak_memory_tool"}. Output on stdout:

    {"python": "3.12.3", "warnings": ["..."], "benchmarks": [{"name", "loops", "peak_memory_bytes",
     "peak_memory_tool", "total_seconds", "omitted", "functions": [[file, name, line, primitive_calls, calls, self_seconds,
     cumulative_seconds], ...], "edges": [[caller_index, callee_index, calls, cumulative_seconds], ...]}]}

Seconds are per loop (pytest-benchmark sums the loops into one profile); calls are the totals over all loops.
`file` is relative to --root when the code is in the repository, `<stdlib>/...` or `<site-packages>/...`
for installed code, `~` for built-ins. Only the functions that matter are kept: every function with at
least 1 - coverage of the total time cumulatively, and the fewest by self time that cover `coverage` of it,
at most --max-functions, hottest (by cumulative time) first; `omitted` says how many were left out.
A dump that is missing or cannot be read becomes one line in "warnings" and no profile for that benchmark.
"""

import argparse
import json
import os
import pstats
import sys
import sysconfig


def _prefixes(root):
    found = []
    if root:
        found.append((os.path.realpath(root) + os.sep, ""))
    paths = sysconfig.get_paths()
    for key, label in (("purelib", "<site-packages>/"), ("platlib", "<site-packages>/"),
                       ("stdlib", "<stdlib>/"), ("platstdlib", "<stdlib>/")):
        value = paths.get(key)
        if value:
            found.append((os.path.realpath(value) + os.sep, label))
    # Longest first: a venv's site-packages may sit inside the repository.
    found.sort(key=lambda item: -len(item[0]))
    return found


def relative_file(path, prefixes, cache):
    if path in cache:
        return cache[path]
    result = path
    if path and path != "~" and not path.startswith("<"):
        real = os.path.realpath(path) if os.path.isabs(path) else path
        for prefix, label in prefixes:
            if real.startswith(prefix):
                result = label + real[len(prefix):]
                break
    cache[path] = result
    return result


def _round(seconds):
    # Six significant digits: well under cProfile's own resolution, and half the bytes in the note.
    return float("%.6g" % seconds)


def is_profiler_artifact(key):
    return key[0] == "~" and "_lsprof.Profiler" in key[2]


def convert_stats(raw, loops, root, max_functions=300, coverage=0.995, keep_all=False):
    """`raw` is pstats.Stats(...).stats: {(file, line, name): (pcalls, calls, tottime, cumtime, callers)}."""
    loops = max(1, int(loops or 1))
    prefixes = _prefixes(root)
    cache = {}
    entries = {key: value for key, value in raw.items() if not is_profiler_artifact(key)}
    total = sum(value[2] for value in entries.values())
    keys = list(entries)
    if keep_all or not keys:
        kept = keys
    else:
        chosen = set()
        floor = (1.0 - coverage) * total
        for key in keys:
            if entries[key][3] >= floor:
                chosen.add(key)
        covered = 0.0
        for key in sorted(keys, key=lambda k: -entries[k][2]):
            if covered >= coverage * total:
                break
            chosen.add(key)
            covered += entries[key][2]
        kept = list(chosen)
    kept.sort(key=lambda k: (-entries[k][3], -entries[k][2], k))
    if not keep_all:
        kept = kept[:max_functions]
    index = {key: i for i, key in enumerate(kept)}
    functions = []
    edges = []
    for i, key in enumerate(kept):
        pcalls, calls, tottime, cumtime, callers = entries[key]
        functions.append([relative_file(key[0], prefixes, cache), key[2], key[1], pcalls, calls,
                          _round(tottime / loops), _round(cumtime / loops)])
        for caller, stats in (callers or {}).items():
            j = index.get(caller)
            if j is None:
                continue
            # cProfile gives (pcalls, calls, tottime, cumtime) per caller; older profile gives a count.
            if isinstance(stats, tuple):
                edges.append([j, i, stats[1], _round(stats[3] / loops)])
            else:
                edges.append([j, i, stats, 0.0])
    edges.sort()
    return {
        "loops": loops,
        "total_seconds": _round(total / loops),
        "omitted": len(entries) - len(kept),
        "functions": functions,
        "edges": edges,
    }


def convert_dump(path, loops, root, **options):
    stats = pstats.Stats(path)
    return convert_stats(stats.stats, loops, root, **options)


def convert_manifest(manifest, root, **options):
    benchmarks, warnings = [], []
    seen = set()
    try:
        with open(manifest, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as error:
        return {"benchmarks": [], "warnings": ["no profile manifest (%s)" % error.strerror]}
    for line in lines:
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            warnings.append("a line of the profile manifest is not JSON")
            continue
        name = entry.get("name") or "?"
        if name in seen:
            continue
        seen.add(name)
        record = {"name": name, "peak_memory_bytes": entry.get("peak_memory_bytes")}
        if entry.get("peak_memory_tool"):
            record["peak_memory_tool"] = entry["peak_memory_tool"]
        dump = entry.get("dump")
        if not dump:
            warnings.append("%s: no profile dump was written" % name)
        else:
            try:
                record.update(convert_dump(dump, entry.get("loops") or 1, root, **options))
                record["dump"] = os.path.basename(dump)
            except Exception as error:  # any unreadable dump: a warning, never a failed run
                reason = str(error).splitlines()[0] if str(error) else type(error).__name__
                warnings.append("%s: profile dump %s unreadable (%s)" % (name, os.path.basename(dump), reason))
        benchmarks.append(record)
    return {"benchmarks": benchmarks, "warnings": warnings}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default="")
    parser.add_argument("--manifest")
    parser.add_argument("--dump")
    parser.add_argument("--loops", type=int, default=1)
    parser.add_argument("--name", default="")
    parser.add_argument("--max-functions", type=int, default=300)
    parser.add_argument("--coverage", type=float, default=0.995)
    parser.add_argument("--all", action="store_true")
    args = parser.parse_args(argv)
    options = {"max_functions": args.max_functions, "coverage": args.coverage, "keep_all": args.all}
    if args.manifest:
        out = convert_manifest(args.manifest, args.root, **options)
    elif args.dump:
        record = {"name": args.name}
        record.update(convert_dump(args.dump, args.loops, args.root, **options))
        out = {"benchmarks": [record], "warnings": []}
    else:
        parser.error("give --manifest or --dump")
    out["python"] = "%d.%d.%d" % sys.version_info[:3]
    json.dump(out, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
