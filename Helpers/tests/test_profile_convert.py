"""Helpers/profile_convert.py against pstats.Stats on the same dump, and Helpers/perfjournal_profile.py
under real pytest-benchmark."""

import cProfile
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

HELPERS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HELPERS))

import profile_convert as pc  # noqa: E402


def quadratic(items):
    out = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def linear(items):
    return list(dict.fromkeys(items))


def work():
    data = list(range(300)) * 2
    quadratic(data)
    linear(data)


def dump(tmp_path, loops):
    profile = cProfile.Profile()
    for _ in range(loops):
        profile.runcall(work)
    path = tmp_path / "work.prof"
    profile.dump_stats(str(path))
    return path


def test_matches_pstats_per_loop(tmp_path):
    path = dump(tmp_path, loops=4)
    import pstats

    reference = pstats.Stats(str(path)).stats
    converted = pc.convert_dump(str(path), 4, str(HELPERS), keep_all=True)
    assert converted["loops"] == 4
    rows = {(f[0], f[1], f[2]): f for f in converted["functions"]}
    here = "tests/test_profile_convert.py"
    checked = 0
    for (file, line, name), (pcalls, calls, tottime, cumtime, callers) in reference.items():
        if pc.is_profiler_artifact((file, line, name)):
            continue
        key = (pc.relative_file(file, pc._prefixes(str(HELPERS)), {}), name, line)
        row = rows[key]
        assert row[3] == pcalls and row[4] == calls
        assert row[5] == pytest.approx(tottime / 4, rel=1e-5) and row[6] == pytest.approx(cumtime / 4, rel=1e-5)
        checked += 1
    assert checked == len(converted["functions"])
    assert rows[(here, "quadratic", quadratic.__code__.co_firstlineno)][4] == 4
    total = sum(v[2] for k, v in reference.items() if not pc.is_profiler_artifact(k))
    assert converted["total_seconds"] == pytest.approx(total / 4, rel=1e-5)
    # Edges: work calls quadratic once per loop.
    names = [f[1] for f in converted["functions"]]
    edge = [e for e in converted["edges"] if names[e[0]] == "work" and names[e[1]] == "quadratic"]
    assert len(edge) == 1 and edge[0][2] == 4
    qkey = next(k for k in reference if k[2] == "quadratic")
    wkey = next(k for k in reference if k[2] == "work")
    assert edge[0][3] == pytest.approx(reference[qkey][4][wkey][3] / 4, rel=1e-5)
    # Built-ins are "~", repository files relative to the root.
    assert any(f[0] == "~" for f in converted["functions"])


def test_budget_keeps_the_hot_functions(tmp_path):
    raw = {("/r/a.py", i, "f%d" % i): (1, 1, 0.0001, 0.0001, {}) for i in range(1000)}
    raw[("/r/a.py", 5000, "hot")] = (1, 1, 1.0, 2.0, {})
    raw[("/r/a.py", 5001, "wrapper")] = (1, 1, 0.0, 2.0, {})
    converted = pc.convert_stats(raw, 1, "/r", max_functions=300)
    names = [f[1] for f in converted["functions"]]
    assert names[0] in ("hot", "wrapper") and "wrapper" in names and "hot" in names
    assert len(names) <= 300
    assert converted["omitted"] == 1002 - len(names)
    assert converted["functions"][0][0] == "a.py"


def test_missing_and_malformed_dumps_are_warnings(tmp_path):
    bad = tmp_path / "bad.prof"
    bad.write_bytes(b"not a marshal dump")
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text("\n".join(json.dumps(e) for e in [
        {"name": "t.py::test_bad", "dump": str(bad), "loops": 1, "peak_memory_bytes": 10, "peak_memory_tool": "memray"},
        {"name": "t.py::test_gone", "dump": str(tmp_path / "gone.prof"), "loops": 1, "peak_memory_bytes": None},
        {"name": "t.py::test_none", "dump": None, "loops": None, "peak_memory_bytes": 5},
    ]) + "\nnot json\n")
    out = pc.convert_manifest(str(manifest), str(tmp_path))
    assert [b["name"] for b in out["benchmarks"]] == ["t.py::test_bad", "t.py::test_gone", "t.py::test_none"]
    assert all("functions" not in b for b in out["benchmarks"])
    assert out["benchmarks"][0]["peak_memory_bytes"] == 10
    # The tool that measured the peak goes through; a manifest line without one has none.
    assert out["benchmarks"][0]["peak_memory_tool"] == "memray"
    assert "peak_memory_tool" not in out["benchmarks"][2]
    assert len(out["warnings"]) == 4
    assert all("\n" not in w for w in out["warnings"])
    assert pc.convert_manifest(str(tmp_path / "nothing"), "")["warnings"]


def test_plugin_under_real_pytest_benchmark(tmp_path):
    pytest.importorskip("pytest_benchmark")
    project = tmp_path / "proj"
    (project / "lib").mkdir(parents=True)
    (project / "lib" / "__init__.py").write_text("")
    (project / "lib" / "core.py").write_text(textwrap.dedent("""
        def dedupe(items):
            out = []
            for item in items:
                if item not in out:
                    out.append(item)
            return out

        def big():
            return [0] * 200000
    """))
    (project / "test_bench.py").write_text(textwrap.dedent("""
        from lib.core import dedupe, big

        def test_dedupe(benchmark):
            benchmark(dedupe, list(range(200)) * 2)

        def test_big(benchmark):
            benchmark.pedantic(big, rounds=3)
    """))
    run = tmp_path / "run"
    run.mkdir()
    env = dict(os.environ)
    env["PYTHONPATH"] = str(HELPERS)
    env["PERFJOURNAL_PROFILE_MANIFEST"] = str(run / "manifest.jsonl")
    env["PYTEST_ADDOPTS"] = "-p perfjournal_profile --benchmark-cprofile=cumtime --benchmark-cprofile-loops=3 " \
        "--benchmark-cprofile-dump=%s" % (run / "dump")
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--benchmark-max-time=0.01",
                    "test_bench.py"], cwd=project, env=env, check=True, capture_output=True)
    out = pc.convert_manifest(str(run / "manifest.jsonl"), str(project))
    assert out["warnings"] == []
    by_name = {b["name"]: b for b in out["benchmarks"]}
    dedupe = by_name["test_bench.py::test_dedupe"]
    assert dedupe["loops"] == 3
    hot = {f[1]: f for f in dedupe["functions"] if f[0] == "lib/core.py"}
    assert hot["dedupe"][4] == 3
    assert hot["dedupe"][6] / dedupe["total_seconds"] > 0.9
    assert by_name["test_bench.py::test_big"]["peak_memory_bytes"] >= 200000 * 8
