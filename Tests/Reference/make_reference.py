"""Reference values for the Swift statistics primitives, from scipy 1.17.1.

Run from the repository root:  python3 Tests/Reference/make_reference.py
It rewrites Tests/Reference/stats_reference.json; StatisticsReferenceTests reads it.
Every input is drawn from a seeded numpy generator, so the file is reproducible.
"""
import json
import math
import os

import numpy as np
import scipy
from scipy import stats

rng = np.random.default_rng(20240601)


def floats(a):
    return [float(v) for v in a]


def mwu_case(label, x, y):
    x, y = np.asarray(x, float), np.asarray(y, float)
    res = stats.mannwhitneyu(x, y, alternative="two-sided", method="auto")
    ties = len(np.unique(np.concatenate([x, y]))) < len(x) + len(y)
    # scipy's _mwu_choose_method, restated: asymptotic when both samples exceed 8 or there are ties.
    method = "asymptotic" if (len(x) > 8 and len(y) > 8) or ties else "exact"
    return {"label": label, "x": floats(x), "y": floats(y), "u": float(res.statistic),
            "p": float(res.pvalue), "method": method}


mwu = []
# Exact: tie-free, at least one side with at most 8 values.
for n1, n2 in [(1, 1), (1, 5), (2, 3), (3, 3), (4, 6), (5, 5), (6, 8), (7, 7), (8, 8), (8, 3),
               (3, 50), (5, 200), (8, 40), (2, 9)]:
    for shift in (0.0, 0.7, 3.0):
        x = rng.lognormal(0.0, 0.3, n1)
        y = rng.lognormal(shift * 0.3, 0.3, n2)
        mwu.append(mwu_case(f"exact {n1}x{n2} shift {shift}", x, y))
# Fully separated small samples: the smallest exact p-values.
mwu.append(mwu_case("exact separated 8x8", np.arange(1, 9) * 1.0, np.arange(11, 19) * 1.0))
mwu.append(mwu_case("exact separated 8x30", np.arange(1, 9) * 1.0, np.arange(11, 41) * 1.0 + 0.5))
# Asymptotic: larger samples, ties, identical samples, extreme shifts.
for n1, n2 in [(9, 9), (20, 20), (20, 35), (50, 50), (200, 200), (200, 150)]:
    for shift in (0.0, 0.2, 0.5, 1.5):
        x = rng.lognormal(0.0, 0.3, n1)
        y = rng.lognormal(shift * 0.3, 0.3, n2)
        mwu.append(mwu_case(f"asymptotic {n1}x{n2} shift {shift}", x, y))
for n1, n2 in [(5, 5), (6, 12), (20, 20), (100, 80)]:
    for shift in (0.0, 1.0):
        x = np.round(rng.normal(10, 2, n1))
        y = np.round(rng.normal(10 + shift * 2, 2, n2))
        mwu.append(mwu_case(f"ties {n1}x{n2} shift {shift}", x, y))
mwu.append(mwu_case("identical values", [3.0] * 10, [3.0] * 12))
mwu.append(mwu_case("same sample", floats(np.linspace(1, 2, 25)), floats(np.linspace(1, 2, 25))))
mwu.append(mwu_case("separated 30x30 (p~1e-11)", rng.normal(0, 1, 30), rng.normal(0, 1, 30) + 100))
mwu.append(mwu_case("separated 60x60 (p~1e-21)", rng.normal(0, 1, 60), rng.normal(0, 1, 60) + 100))
mwu.append(mwu_case("mostly separated 25x25", rng.normal(0, 1, 25), rng.normal(2.2, 1, 25)))
mwu.append(mwu_case("exact 1x8 ", [5.0], floats(np.arange(1, 9) * 1.0 + 0.5)))

welch = []


def welch_case(label, m1, s1, n1, m2, s2, n2):
    res = stats.ttest_ind_from_stats(m1, s1, n1, m2, s2, n2, equal_var=False)
    v1, v2 = s1 ** 2 / n1, s2 ** 2 / n2
    df = (v1 + v2) ** 2 / (v1 ** 2 / (n1 - 1) + v2 ** 2 / (n2 - 1))
    welch.append({"label": label, "mean1": m1, "sd1": s1, "n1": n1, "mean2": m2, "sd2": s2, "n2": n2,
                  "t": float(res.statistic), "df": float(df), "p": float(res.pvalue)})


welch_case("seed case: 5% apart, 20% sd, n=10", 1.0, 0.2, 10, 0.95, 0.19, 10)
welch_case("tiny p", 1.0, 0.01, 30, 1.1, 0.012, 25)
welch_case("very tiny p", 1.0, 0.01, 100, 1.2, 0.01, 100)
welch_case("small n", 2.0, 0.5, 2, 3.0, 0.7, 3)
welch_case("unequal n and sd", 5.0, 1.0, 5, 5.4, 0.1, 500)
welch_case("large n", 1.0, 0.3, 5000, 1.01, 0.3, 4000)
welch_case("equal", 1.0, 0.1, 20, 1.0, 0.1, 20)
for i in range(12):
    n1, n2 = int(rng.integers(3, 200)), int(rng.integers(3, 200))
    m1 = float(rng.uniform(0.5, 2.0))
    m2 = m1 * float(rng.uniform(0.8, 1.2))
    welch_case(f"random {i}", m1, m1 * float(rng.uniform(0.005, 0.3)), n1, m2, m2 * float(rng.uniform(0.005, 0.3)), n2)

# Holm is not in scipy (nor statsmodels here); computed from its definition:
# sort ascending, p_(i) * (m - i + 1) for 1-based i, running maximum, capped at 1.
def holm(p):
    m = len(p)
    order = sorted(range(m), key=lambda i: (p[i], i))
    out = [1.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out


holm_cases = []
for p in [[0.01, 0.04, 0.03, 0.005], [0.5], [0.001, 0.001, 0.2, 0.8, 0.04], floats(rng.uniform(0, 0.1, 20)),
          [1e-12, 0.3, 0.02, 0.02, 0.9, 0.011]]:
    holm_cases.append({"p": [float(v) for v in p], "adjusted": holm(p)})

normal = [{"x": x, "cdf": float(stats.norm.cdf(x)), "sf": float(stats.norm.sf(x))}
          for x in [-40.0, -12.0, -6.5, -3.0, -1.0, -0.1, 0.0, 0.3, 1.96, 4.0, 8.5, 30.0]]
normal_quantile = [{"p": p, "x": float(stats.norm.ppf(p))}
                   for p in [1e-300, 1e-30, 1e-10, 1e-4, 0.0125, 0.025, 0.3, 0.5, 0.8, 0.975, 0.99, 1 - 1e-12]]
student = [{"t": t, "df": df, "cdf": float(stats.t.cdf(t, df)), "sf": float(stats.t.sf(t, df))}
           for t in [-20.0, -3.0, -0.5, 0.0, 0.7, 2.1, 5.0, 12.0, 60.0]
           for df in [1.0, 2.5, 9.0, 37.3, 400.0, 5000.0]]
student_quantile = [{"p": p, "df": df, "t": float(stats.t.ppf(p, df))}
                    for p in [1e-8, 0.005, 0.025, 0.3, 0.975, 0.995, 0.9995]
                    for df in [1.0, 3.0, 9.5, 30.0, 250.0, 10000.0]]

out = {
    "generator": f"Tests/Reference/make_reference.py, scipy {scipy.__version__}, numpy {np.__version__}",
    "mann_whitney_u": mwu,
    "welch": welch,
    "holm": holm_cases,
    "normal": normal,
    "normal_quantile": normal_quantile,
    "student_t": student,
    "student_t_quantile": student_quantile,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stats_reference.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print(f"wrote {path}: {len(mwu)} MWU, {len(welch)} Welch, {len(holm_cases)} Holm cases")
