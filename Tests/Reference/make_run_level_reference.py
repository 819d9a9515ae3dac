"""Reference values for the run-level test (RunLevelTest) and the learned spread (LearnedSpread),
computed with scipy/numpy from the definitions in Sources/Statistics/RunLevel.swift.

    python3 Tests/Reference/make_run_level_reference.py   # writes Tests/Reference/run_level_reference.json

Each case gives before/after log values (one per run, within-run error 0), an optional prior
(spread, df) and a confidence; the expected shift, standard error, df, p and interval follow:
  - several runs (nu = n_a-1 + n_b-1 >= 1): s^2 = (nu0*s0^2 + SS) / (nu0 + nu), prior = learned or
    the default (0.20, 4); df = nu0 + nu;
  - one run a side: the prior alone;
  - se = s * sqrt(1/n_a + 1/n_b); p = 2 * t.sf(|shift/se|, df); interval shift -+ t.ppf(1-(1-conf)/2, df)*se.
  - paired cases (>= 3 pairs): the paired t (scipy.stats.ttest_rel) is used when its interval is narrower.
The spread estimator: the 90th percentile (numpy's linear) of |y_i - y_j| within groups / (norm.ppf(0.95)*sqrt(2)).
"""
import json, itertools, math, os
import numpy as np
from scipy import stats

DEFAULT = (0.20, 4)
rng = np.random.default_rng(20261202)


def expected(before, after, prior, conf, pairs=None):
    na, nb = len(before), len(after)
    ma, mb = np.mean(before), np.mean(after)
    shift = mb - ma
    nu = (na - 1) + (nb - 1)
    if nu >= 1:
        s0, nu0 = prior if prior else DEFAULT
        ss = float(np.sum((np.array(before) - ma) ** 2) + np.sum((np.array(after) - mb) ** 2))
        var = (nu0 * s0 * s0 + ss) / (nu0 + nu)
        df = nu0 + nu
        source = "runs"
    elif prior:
        var, df, source = prior[0] ** 2, prior[1], "calibration"
    else:
        var, df, source = DEFAULT[0] ** 2, DEFAULT[1], "default"
    se = math.sqrt(var / na + var / nb)
    tail = (1 - conf) / 2
    paired = False
    if pairs is not None and len(pairs) >= 3:
        d = np.array([b - a for a, b in pairs])
        k = len(d)
        pse = float(np.std(d, ddof=1) / math.sqrt(k))
        if pse > 0 and stats.t.ppf(1 - tail, k - 1) * pse < stats.t.ppf(1 - tail, df) * se:
            res = stats.ttest_rel([b for _, b in pairs], [a for a, _ in pairs])
            shift, se, df, paired = float(np.mean(d)), pse, k - 1, True
            p = float(res.pvalue)
            reach = stats.t.ppf(1 - tail, df) * se
            return dict(shift=shift, se=se, df=df, p=p, lower=shift - reach, upper=shift + reach, noise=math.sqrt(var), source=source, paired=True)
    p = float(min(1, 2 * stats.t.sf(abs(shift / se), df)))
    reach = float(stats.t.ppf(1 - tail, df) * se)
    return dict(shift=shift, se=se, df=df, p=p, lower=shift - reach, upper=shift + reach, noise=math.sqrt(var), source=source, paired=paired)


cases = []
for na, nb in [(1, 1), (1, 3), (2, 2), (3, 3), (5, 5), (10, 10), (2, 6)]:
    for prior in [None, (0.05, 9), (0.15, 3)]:
        for conf in [0.95, 0.99166666]:
            before = list(rng.normal(-4.0, 0.08, na))
            after = list(rng.normal(-4.0 + rng.choice([0.0, 0.05, -0.3]), 0.08, nb))
            case = dict(before=before, after=after, prior=list(prior) if prior else None, confidence=conf)
            case.update(expected(before, after, prior, conf))
            cases.append(case)
# Interleaved pairs that share a slow drift: the paired analysis narrows the interval.
for k in [3, 5, 8]:
    drift = rng.normal(0, 0.2, k)
    before = list(-3.0 + drift + rng.normal(0, 0.01, k))
    after = list(-3.0 + 0.03 + drift + rng.normal(0, 0.01, k))
    case = dict(before=before, after=after, prior=None, confidence=0.95, pairs=[[a, b] for a, b in zip(before, after)])
    case.update(expected(before, after, None, 0.95, pairs=list(zip(before, after))))
    cases.append(case)

spreads = []
for sizes in [[3], [10], [2, 2, 2], [4, 6], [5, 1, 3]]:
    groups = [list(rng.normal(0, 0.1, n)) for n in sizes]
    diffs = sorted(abs(a - b) for g in groups for a, b in itertools.combinations(g, 2))
    df = sum(len(g) - 1 for g in groups)
    spread = float(np.quantile(diffs, 0.9) / (stats.norm.ppf(0.95) * math.sqrt(2))) if diffs and df >= 2 else None
    spreads.append(dict(groups=groups, spread=spread, df=df if spread is not None else None))

out = dict(generator="Tests/Reference/make_run_level_reference.py", scipy=__import__("scipy").__version__,
           numpy=np.__version__, cases=cases, spreads=spreads)
path = os.path.join(os.path.dirname(__file__), "run_level_reference.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print(f"wrote {len(cases)} test cases and {len(spreads)} spread cases to {path}")
