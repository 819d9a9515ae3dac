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
print(f"wrote {path}: {len(holm_cases)} Holm cases")
