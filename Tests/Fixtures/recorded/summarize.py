#!/usr/bin/env python3
"""Summarize the recorded series (reads manifest.json). Prints Markdown tables.

Per series and benchmark: n runs, median of run medians, between-run CV of run medians,
CV of run minimums, mean within-run IQR/median (how wide one run's distribution is),
and max/min of run medians. Effect series add the ratio median(b medians)/median(a medians).
Per run: wall time, CPU seconds of pytest, and the share of the machine used by OTHER
processes = ((busy jiffies / HZ) - cpu_seconds) / (wall_seconds * cpu_count), steal share.
"""
import json
import os
import statistics as st
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def load(d, f):
    with open(os.path.join(HERE, d, f)) as fh:
        return json.load(fh)


def conditions(d, f):
    return load(d, f[:-5] + ".conditions.json")


def other_share(c):
    p = c["proc_stat_delta"]
    busy = sum(v for k, v in p.items() if k not in ("idle", "iowait")) / c["clock_ticks_per_second"]
    return (busy - c["cpu_seconds"]) / (c["wall_seconds"] * c["cpu_count"])


def steal_share(c):
    p = c["proc_stat_delta"]
    return p["steal"] / max(1, sum(p.values()))


def cv(xs):
    return st.stdev(xs) / st.mean(xs) if len(xs) > 1 else float("nan")


def fmt_t(s):
    for unit, mul in (("s", 1), ("ms", 1e3), ("us", 1e6), ("ns", 1e9)):
        if s >= 1 / mul or unit == "ns":
            return f"{s * mul:.4g} {unit}"


def per_bench(d, files):
    out = {}
    for f in files:
        for b in load(d, f)["benchmarks"]:
            s = b["stats"]
            out.setdefault(b["fullname"].split("::", 1)[-1], []).append(
                (s["median"], s["min"], s["iqr"] / s["median"], s["rounds"]))
    return out


def table(d, files, title):
    print(f"\n**{d} / {title}** ({len(files)} runs)\n")
    print("| benchmark | median of medians | CV medians | CV mins | within-run IQR/median | max/min of medians | rounds |")
    print("|---|---|---|---|---|---|---|")
    res = {}
    for name, rows in per_bench(d, files).items():
        med = [r[0] for r in rows]
        mins = [r[1] for r in rows]
        iqr = st.mean(r[2] for r in rows)
        rounds = [r[3] for r in rows]
        res[name] = st.median(med)
        print(f"| {name} | {fmt_t(st.median(med))} | {cv(med):.1%} | {cv(mins):.1%} | {iqr:.1%} | "
              f"{max(med) / min(med):.2f} | {min(rounds)}-{max(rounds)} |")
    return res


def runs_table(d, order):
    print(f"\nruns of {d} (recording order): wall s / pytest cpu s / other-share / steal-share [hog]\n")
    cells = []
    for f in order:
        c = conditions(d, f)
        h = c.get("hog")
        hs = f" hog@{h['start_offset_seconds']:.0f}+{h['duration_seconds']:.0f}s" if h else ""
        cells.append(f"{f[:-5]} {c['wall_seconds']:.1f}/{c['cpu_seconds']:.1f}/{other_share(c):.2f}/{steal_share(c):.3f}{hs}")
    for i in range(0, len(cells), 4):
        print("    " + " | ".join(cells[i:i + 4]))


def main():
    man = json.load(open(os.path.join(HERE, "manifest.json")))
    for s in man["series"]:
        d = s["dir"]
        print(f"\n### {d} (kind={s['kind']}{', factor=' + str(s['factor']) if 'factor' in s else ''})")
        groups = s["files"]
        res = {g: table(d, files, g) for g, files in groups.items()}
        if s["kind"] == "effect":
            print("\nratio median(b medians) / median(a medians), expected ~", s["factor"])
            for name in res["a"]:
                print(f"    {name}: {res['b'][name] / res['a'][name]:.3f}")
        if s["kind"] == "load" and "quiet" in res and "hog" in res:
            print("\nratio median(hog medians) / median(quiet medians)")
            for name in res["quiet"]:
                print(f"    {name}: {res['hog'][name] / res['quiet'][name]:.3f}")
        runs_table(d, s["order"])


if __name__ == "__main__":
    sys.exit(main())
