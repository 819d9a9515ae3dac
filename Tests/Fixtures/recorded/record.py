#!/usr/bin/env python3
"""Record real pytest-benchmark runs plus the machine conditions during each run.

Usage (see README.md for the setup that provides the venv and the checkouts):
    python3 record.py all                  # the whole plan, in the recorded order
    python3 record.py aa-markdown-it       # one series (aa-markdown-it, load-markdown-it,
                                           #   aa-cattrs, effect-1.1, effect-1.2, effect-2.0)
    python3 record.py manifest             # rewrite manifest.json from the files present
Existing output files are skipped (so an interrupted plan resumes); --force re-records.

Environment: REC_PYTHON (venv python with pytest + pytest-benchmark + the libraries),
REC_SRC (directory holding the markdown-it-py and cattrs checkouts), REC_SCRATCH.

For every run <name>.json (pytest-benchmark's --benchmark-json output, rewritten compactly
with machine_info.cpu.flags removed) a sibling <name>.conditions.json is written.
"""
import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PY = os.environ.get("REC_PYTHON", "/tmp/rec/venv/bin/python")
SRC = os.environ.get("REC_SRC", "/tmp/rec/src")
SCRATCH = os.environ.get("REC_SCRATCH", "/tmp/rec")
HZ = os.sysconf("SC_CLK_TCK")
STAT_FIELDS = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal", "guest", "guest_nice"]
SAMPLE_INTERVAL = 1.0

COMMON = ["-p", "no:cacheprovider", "-q", f"--benchmark-storage=file://{SCRATCH}/storage"]

SUITES = {
    # executablebooks/markdown-it-py benchmarking/ (its own suite). The two slowest package
    # comparisons (commonmark_py ~210 ms/round, pymarkdown_extra ~175 ms/round) are deselected
    # to keep a run near 20 s with >= 50 rounds each; panflute skips itself (no pandoc).
    "markdown-it": dict(
        cwd=os.path.join(SRC, "markdown-it-py"),
        args=["benchmarking/bench_core.py", "benchmarking/bench_packages.py",
              "-k", "not commonmark_py and not pymarkdown_extra",
              "--benchmark-min-time=0.0005", "--benchmark-max-time=0.3", "--benchmark-min-rounds=50"],
    ),
    # python-attrs/cattrs bench/ (its own suite, run from its root so its [tool.pytest] addopts
    # apply: warmup on, 5 warmup iterations, group-by fullname). bench/test_enums.py
    # (24 near-identical enum parametrizations) is ignored to keep fixture size down.
    "cattrs": dict(
        cwd=os.path.join(SRC, "cattrs"),
        args=["bench", "--ignore=bench/test_enums.py",
              "--benchmark-min-time=0.002", "--benchmark-max-time=0.3", "--benchmark-min-rounds=20"],
    ),
    # Our known-effect suite; work scales with $WORK_FACTOR.
    "effects": dict(
        cwd=os.path.join(HERE, "effects"),
        args=["test_effects.py",
              "--benchmark-min-time=0.0005", "--benchmark-max-time=1.0", "--benchmark-min-rounds=80"],
    ),
}

HOG_CMD = [sys.executable, "-c", "while True: pass"]


def proc_stat():
    with open("/proc/stat") as f:
        line = f.readline().split()
    assert line[0] == "cpu"
    vals = [int(x) for x in line[1:]]
    return dict(zip(STAT_FIELDS, vals + [0] * (len(STAT_FIELDS) - len(vals))))


def proc_ticks(pid):
    """utime+stime+cutime+cstime of pid, in clock ticks (None once gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            rest = f.read().rsplit(")", 1)[1].split()
        return sum(int(rest[i]) for i in (11, 12, 13, 14))
    except (OSError, IndexError, ValueError):
        return None


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def run_one(suite, out_json, factor=None, hog=None, force=False):
    """hog: None or dict(start_offset_seconds, duration_seconds, processes)."""
    cond_path = out_json[: -len(".json")] + ".conditions.json"
    if not force and os.path.exists(out_json) and os.path.exists(cond_path):
        print(f"skip {out_json}", flush=True)
        return json.load(open(cond_path))
    os.makedirs(os.path.dirname(out_json), exist_ok=True)
    raw_dir = os.path.join(SCRATCH, "raw", os.path.basename(os.path.dirname(out_json)))
    os.makedirs(raw_dir, exist_ok=True)
    base = os.path.basename(out_json)[: -len(".json")]
    raw_json = os.path.join(raw_dir, base + ".json")
    log_path = os.path.join(raw_dir, base + ".log")
    cfg = SUITES[suite]
    cmd = [PY, "-m", "pytest", *cfg["args"], *COMMON, f"--benchmark-json={raw_json}"]
    env = os.environ.copy()
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if factor is not None:
        env["WORK_FACTOR"] = repr(factor)

    samples = []
    done = threading.Event()
    hog_info = None

    la0 = list(os.getloadavg())
    started_at = now_iso()
    st0 = proc_stat()
    t0 = time.monotonic()
    with open(log_path, "w") as log:
        p = subprocess.Popen(cmd, cwd=cfg["cwd"], env=env, stdout=log, stderr=subprocess.STDOUT)

    def sampler():
        while not done.wait(SAMPLE_INTERVAL):
            st = proc_stat()
            ticks = proc_ticks(p.pid)
            samples.append([round(time.monotonic() - t0, 3), ticks] + [st[k] - st0[k] for k in STAT_FIELDS[:8]])

    def hogger():
        nonlocal hog_info
        if done.wait(hog["start_offset_seconds"]):
            return
        procs = [subprocess.Popen(HOG_CMD) for _ in range(hog["processes"])]
        t_start = time.monotonic() - t0
        done.wait(hog["duration_seconds"])
        cpu = 0.0
        for hp in procs:  # each hog by its own pid
            hp.kill()
            _, _, ru = os.wait4(hp.pid, 0)
            hp.returncode = -9
            cpu += ru.ru_utime + ru.ru_stime
        t_stop = time.monotonic() - t0
        hog_info = {
            "start_offset_seconds": round(t_start, 3),
            "duration_seconds": round(t_stop - t_start, 3),
            "processes": hog["processes"],
            "planned_start_offset_seconds": hog["start_offset_seconds"],
            "planned_duration_seconds": hog["duration_seconds"],
            "command": "python3 -c 'while True: pass'",
            "hog_cpu_seconds": round(cpu, 3),
        }

    threads = [threading.Thread(target=sampler)]
    if hog:
        threads.append(threading.Thread(target=hogger))
    for t in threads:
        t.start()
    # wait4 gives the rusage of exactly the pytest process tree (pytest + its waited-for children).
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    t1 = time.monotonic()
    st1 = proc_stat()
    la1 = list(os.getloadavg())
    done.set()
    for t in threads:
        t.join()

    if p.returncode != 0 or not os.path.exists(raw_json):
        sys.exit(f"pytest failed (rc={p.returncode}) for {out_json}; see {log_path}")
    with open(raw_json) as f:
        data = json.load(f)
    data.get("machine_info", {}).get("cpu", {}).pop("flags", None)
    with open(out_json, "w") as f:
        json.dump(data, f, separators=(",", ":"))

    wall = t1 - t0
    cpu_s = ru.ru_utime + ru.ru_stime
    delta = {k: st1[k] - st0[k] for k in STAT_FIELDS}
    cond = {
        "wall_seconds": round(wall, 4),
        "cpu_seconds": round(cpu_s, 4),
        "cpu_seconds_method": "os.wait4(pytest pid) ru_utime+ru_stime (pytest process tree only; hogs excluded)",
        "cpu_count": os.cpu_count(),
        "proc_stat_delta": {k: delta[k] for k in STAT_FIELDS[:8]},
        "proc_stat_delta_guest": {k: delta[k] for k in STAT_FIELDS[8:]},
        "clock_ticks_per_second": HZ,
        "load_average_start": la0,
        "load_average_end": la1,
        "started_at": started_at,
        "ended_at": now_iso(),
        "hog": hog_info,
        "suite": suite,
        "work_factor": factor,
        "command": cmd[1:],
        "samples_columns": ["t_offset_seconds", "pytest_cpu_ticks_cumulative"]
        + [f"{k}_jiffies_delta" for k in STAT_FIELDS[:8]],
        "samples": samples,
    }
    with open(cond_path, "w") as f:
        json.dump(cond, f, indent=1)
    busy = sum(delta[k] for k in STAT_FIELDS[:8] if k not in ("idle", "iowait")) / HZ
    other = (busy - cpu_s) / (wall * os.cpu_count())
    print(f"{out_json}: wall {wall:.1f}s cpu {cpu_s:.1f}s other-share {other:.2f} "
          f"steal {delta['steal']} hog {bool(hog_info)}", flush=True)
    return cond


def series_aa(name, suite, n, force):
    for i in range(1, n + 1):
        run_one(suite, os.path.join(HERE, name, f"run-{i:02d}.json"), force=force)


def series_load(force, n_quiet=2, n_hog=6):
    d = os.path.join(HERE, "load-markdown-it")
    walls = [run_one("markdown-it", os.path.join(d, f"quiet-{i:02d}.json"), force=force)["wall_seconds"]
             for i in range(1, n_quiet + 1)]
    w = min(walls)
    # hog starts ~25% into the (quiet) run and lasts ~45% of a quiet run's wall time
    hog = {"start_offset_seconds": round(0.25 * w, 1), "duration_seconds": round(0.45 * w, 1),
           "processes": os.cpu_count()}
    for i in range(1, n_hog + 1):
        run_one("markdown-it", os.path.join(d, f"hog-{i:02d}.json"), hog=hog, force=force)


def series_effect(factor, n, force):
    d = os.path.join(HERE, f"effect-{factor}")
    for i in range(1, n + 1):  # interleaved A B A B ...
        run_one("effects", os.path.join(d, f"a-{i:02d}.json"), factor=1.0, force=force)
        run_one("effects", os.path.join(d, f"b-{i:02d}.json"), factor=factor, force=force)


def write_manifest():
    series = []
    for name in sorted(os.listdir(HERE)):
        d = os.path.join(HERE, name)
        if not os.path.isdir(d) or name == "effects" or name.startswith(("_", ".")):
            continue
        runs = sorted(f for f in os.listdir(d) if f.endswith(".json") and not f.endswith(".conditions.json"))
        if not runs:
            continue
        groups = {}
        for f in runs:
            groups.setdefault(f.rsplit("-", 1)[0], []).append(f)
        entry = {"dir": name}
        if name.startswith("aa-"):
            entry.update(kind="aa", suite=name[3:])
        elif name.startswith("effect-"):
            entry.update(kind="effect", suite="effects", factor=float(name[7:]),
                         factors={"a": 1.0, "b": float(name[7:])})
        elif name.startswith("load-"):
            entry.update(kind="load", suite=name[5:])
        entry["files"] = groups
        entry["order"] = sorted(runs, key=lambda f: json.load(open(os.path.join(d, f[:-5] + ".conditions.json")))["started_at"])
        series.append(entry)
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump({"conditions_suffix": ".conditions.json",
                   "note": "for run X.json the machine conditions are in X.conditions.json; 'order' is recording order",
                   "series": series}, f, indent=1)
    print("wrote manifest.json")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what")
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args()
    steps = {
        "aa-markdown-it": lambda: series_aa("aa-markdown-it", "markdown-it", 10, a.force),
        "load-markdown-it": lambda: series_load(a.force),
        "aa-cattrs": lambda: series_aa("aa-cattrs", "cattrs", 10, a.force),
        "effect-1.1": lambda: series_effect(1.1, 8, a.force),
        "effect-1.2": lambda: series_effect(1.2, 8, a.force),
        "effect-2.0": lambda: series_effect(2.0, 8, a.force),
        "manifest": write_manifest,
    }
    if a.what == "all":
        for s in steps.values():
            s()
    else:
        steps[a.what]()


if __name__ == "__main__":
    main()
