#!/usr/bin/env python3
"""Two pytest-benchmark JSON files of N benchmarks x M samples, shaped like pytest-benchmark writes them.

usage: make_compare_files.py OUT_A OUT_B [--benchmarks 500] [--samples 1000]
"""
import argparse, json, math, random, statistics

p = argparse.ArgumentParser()
p.add_argument("a"); p.add_argument("b")
p.add_argument("--benchmarks", type=int, default=500)
p.add_argument("--samples", type=int, default=1000)
args = p.parse_args()

def document(seed, shift):
    rng = random.Random(seed)
    rows = []
    for i in range(args.benchmarks):
        base = 1e-4 * (1 + i % 17)
        factor = shift if i % 5 == 0 else 1.0
        data = [base * factor * math.exp(rng.gauss(0, 0.05)) for _ in range(args.samples)]
        s = sorted(data)
        q = statistics.quantiles(s, n=4, method="inclusive")
        mean = statistics.fmean(s)
        rows.append({
            "group": None, "name": f"test_case_{i}", "fullname": f"bench/test_suite.py::test_case_{i}",
            "params": None, "param": None, "extra_info": {}, "options": {"disable_gc": False, "timer": "perf_counter",
            "min_rounds": 5, "max_time": 1.0, "min_time": 5e-06, "warmup": False},
            "stats": {"min": s[0], "max": s[-1], "mean": mean, "stddev": statistics.stdev(s), "rounds": len(s),
                      "median": statistics.median(s), "iqr": q[2] - q[0], "q1": q[0], "q3": q[2], "iqr_outliers": 0,
                      "stddev_outliers": 0, "outliers": "0;0", "ld15iqr": s[0], "hd15iqr": s[-1], "ops": 1 / mean,
                      "total": sum(s), "data": data, "iterations": 1},
        })
    return {"machine_info": {"node": "bench", "processor": "x86_64", "machine": "x86_64", "python_implementation": "CPython",
                             "python_version": "3.11.7", "system": "Linux", "release": "6", "cpu": {"count": 2}},
            "commit_info": {"id": "unversioned", "dirty": False, "project": "bench", "branch": "main"},
            "benchmarks": rows, "datetime": "2026-01-01T12:00:00.000000+00:00", "version": "5.2.3"}

json.dump(document(1, 1.0), open(args.a, "w"), indent=4)
json.dump(document(2, 0.9), open(args.b, "w"), indent=4)
