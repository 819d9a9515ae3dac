"""Unit tests of Helpers/detect_project.py: run with `python3 -m pytest Helpers/tests` (make test does)."""

import json
import os
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

HELPERS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HELPERS))

import detect_project as dp  # noqa: E402

FIXTURES = HELPERS.parent / "Tests" / "Fixtures" / "projects"


def no_tools(name):
    return None


def all_tools(name):
    return "/usr/bin/" + name


def write(root, files):
    for rel, text in files.items():
        path = Path(root) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def detect(root, which=no_tools, **kw):
    return dp.detect(str(root), which=which, **kw)


BENCH_TEST = """
def test_speed(benchmark):
    benchmark(sum, range(10))
"""


# ------------------------------------------------------------------------------------------ names

@pytest.mark.parametrize("spec, name", [
    ("pytest-benchmark", "pytest-benchmark"),
    ("pytest_benchmark[histogram]>=4.0", "pytest-benchmark"),
    ("Pytest.Benchmark ; python_version > '3'", "pytest-benchmark"),
    ("  pytest-benchmark==5.1", "pytest-benchmark"),
    ("-r requirements.txt", ""),
    ("# pytest-benchmark", ""),
    ({"include-group": "test"}, ""),
])
def test_requirement_name(spec, name):
    assert dp.requirement_name(spec) == name


@pytest.mark.parametrize("version, spec, ok", [
    ("3.11.7", ">=3.10", True),
    ("3.9.1", ">=3.10", False),
    ("3.11.7", ">=3.8,<3.12", True),
    ("3.12.0", ">=3.8,<3.12", False),
    ("3.11.7", "^3.11", True),
    ("3.11.7", "~=3.10", True),
    ("3.11.7", "==3.11.*", True),
    ("3.11.7", "3.11", True),
    ("3.11.7", ">=3.12", False),
])
def test_python_requirement_check(version, spec, ok):
    assert dp.satisfies(version, spec) is ok


# ------------------------------------------------------------------------------------------ declarations

def test_setup_py_is_read_statically_never_run(tmp_path):
    marker = tmp_path / "ran"
    write(tmp_path, {
        "setup.py": f"""
            import pathlib
            pathlib.Path({str(marker)!r}).write_text("setup.py was executed")
            DEV = ["pytest", "pytest-benchmark"]
            from setuptools import setup
            setup(name="x", python_requires=">=3.8", install_requires=["attrs"], extras_require={{"dev": DEV}})
        """,
        "tests/test_x.py": BENCH_TEST,
    })
    d = detect(tmp_path)
    assert not marker.exists()
    assert d["pytest_benchmark"] == {"declared": True, "where": ["setup.py extras_require['dev']"]}
    assert d["python"]["requires"] == ">=3.8"
    assert d["python"]["where"] == "setup.py python_requires"


def test_every_pyproject_dependency_table(tmp_path):
    write(tmp_path, {"pyproject.toml": """
        [project]
        name = "x"
        dependencies = ["attrs"]
        [project.optional-dependencies]
        bench = ["pytest-benchmark>=4"]
        [dependency-groups]
        perf = [{include-group = "bench2"}, "pytest_benchmark"]
        [tool.poetry.group.dev.dependencies]
        pytest-benchmark = "^4"
        [tool.hatch.envs.bench]
        dependencies = ["pytest-benchmark"]
    """})
    where = detect(tmp_path)["pytest_benchmark"]["where"]
    assert where == [
        "pyproject.toml [project.optional-dependencies] bench",
        "pyproject.toml [dependency-groups] perf",
        "pyproject.toml [tool.poetry.group.dev.dependencies]",
        "pyproject.toml [tool.hatch.envs.bench] dependencies",
    ]


def test_setup_cfg_requirements_in_tox_and_nox(tmp_path):
    write(tmp_path, {
        "setup.cfg": """
            [options]
            python_requires = >=3.9
            [options.extras_require]
            perf =
                pytest-benchmark
        """,
        "requirements/dev.in": "pytest-benchmark\n",
        "tox.ini": """
            [testenv:bench]
            deps =
                pytest-benchmark
            commands = pytest benchmarks
        """,
        "noxfile.py": """
            import nox

            @nox.session(name="perf")
            def bench(session):
                session.install("pytest", "pytest-benchmark")
                session.run("pytest", "benchmarks", *session.posargs)
        """,
    })
    d = detect(tmp_path)
    assert d["pytest_benchmark"]["where"] == [
        "setup.cfg [options.extras_require] perf",
        "requirements/dev.in",
        "tox.ini [testenv:bench] deps",
        "noxfile.py session perf install",
    ]
    assert d["python"]["requires"] == ">=3.9"
    assert d["nox"] == [{"name": "perf", "runs": [["pytest", "benchmarks", "{posargs}"]], "installs": ["pytest", "pytest-benchmark"]}]


def test_not_declared(tmp_path):
    write(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\ndependencies = ['pytest']\n"})
    assert detect(tmp_path)["pytest_benchmark"] == {"declared": False, "where": []}


# ------------------------------------------------------------------------------------------ pytest config

def test_pytest_ini_wins_over_pyproject(tmp_path):
    write(tmp_path, {
        "pytest.ini": "[pytest]\naddopts = -q\npython_files = check_*.py\n",
        "pyproject.toml": "[tool.pytest.ini_options]\naddopts = '--benchmark-disable'\n",
    })
    c = detect(tmp_path)["pytest_config"]
    assert (c["file"], c["addopts"], c["python_files"]) == ("pytest.ini", ["-q"], ["check_*.py"])


@pytest.mark.parametrize("files, where", [
    ({"pyproject.toml": "[tool.pytest]\naddopts = ['-l', '--benchmark-sort=name']\ntestpaths = ['t']\n"}, ("pyproject.toml", "[tool.pytest]")),
    ({"tox.ini": "[pytest]\naddopts = -l --benchmark-sort=name\ntestpaths = t\n"}, ("tox.ini", "[pytest]")),
    ({"setup.cfg": "[tool:pytest]\naddopts = -l --benchmark-sort=name\ntestpaths =\n    t\n"}, ("setup.cfg", "[tool:pytest]")),
])
def test_pytest_config_places(tmp_path, files, where):
    write(tmp_path, files)
    c = detect(tmp_path)["pytest_config"]
    assert (c["file"], c["section"]) == where
    assert c["addopts"] == ["-l", "--benchmark-sort=name"]
    assert c["testpaths"] == ["t"]


# ------------------------------------------------------------------------------------------ benchmark scan

def test_scan_finds_every_way_to_take_the_fixture(tmp_path):
    write(tmp_path, {
        "perf/bench_things.py": """
            import pytest

            def test_direct(benchmark):
                benchmark(sum, [1])

            async def test_async(benchmark):
                pass

            @pytest.mark.usefixtures("benchmark")
            def test_usefixtures():
                pass

            def test_indirect(timed):
                pass

            def test_plain():
                pass

            def helper(benchmark):
                pass

            class TestGroup:
                def test_method(self, benchmark):
                    benchmark(sum, [1])

                def test_other(self):
                    pass

            @pytest.mark.usefixtures("benchmark")
            class TestMarked:
                def test_a(self):
                    pass

            class TestWithInit:
                def __init__(self):
                    pass

                def test_never_collected(self, benchmark):
                    pass
        """,
        "perf/conftest.py": """
            import pytest

            @pytest.fixture
            def timed(benchmark):
                return benchmark
        """,
        "perf/test_module_mark.py": """
            import pytest
            pytestmark = [pytest.mark.usefixtures("benchmark")]

            def test_x():
                pass
        """,
    })
    files = {f["path"]: f["tests"] for f in detect(tmp_path)["benchmarks"]["files"]}
    assert files == {
        "perf/bench_things.py": ["test_direct", "test_async", "test_usefixtures", "test_indirect", "TestGroup::test_method", "TestMarked::test_a"],
        "perf/test_module_mark.py": ["test_x"],
    }


def test_scan_skips_venvs_vcs_and_build_dirs(tmp_path):
    files = {f"{d}/test_x.py": BENCH_TEST for d in [".git", ".tox", "node_modules", "build", "dist", "venv", ".venv", "x.egg-info"]}
    files["myenv/pyvenv.cfg"] = "home = /usr\n"
    files["myenv/lib/test_y.py"] = BENCH_TEST
    files["real/test_z.py"] = BENCH_TEST
    write(tmp_path, files)
    assert [f["path"] for f in detect(tmp_path)["benchmarks"]["files"]] == ["real/test_z.py"]


def test_unparsable_file_is_a_warning(tmp_path):
    write(tmp_path, {"b/test_bad.py": "def test_x(benchmark):\n  return (\n", "b/test_ok.py": BENCH_TEST})
    d = detect(tmp_path)
    assert [f["path"] for f in d["benchmarks"]["files"]] == ["b/test_ok.py"]
    assert any("b/test_bad.py" in w for w in d["warnings"])


# ------------------------------------------------------------------------------------------ the command

def test_paths_directories_and_files(tmp_path):
    write(tmp_path, {
        "benchmarks/test_a.py": BENCH_TEST,
        "benchmarks/sub/test_b.py": BENCH_TEST,
        "tests/test_unit.py": "def test_u():\n    pass\n",
        "tests/test_mixed_bench.py": BENCH_TEST,
        "tools/bench_custom.py": BENCH_TEST,
    })
    d = detect(tmp_path)
    # benchmarks/ holds only benchmarks: the directory; tests/ has other tests: the file; tools/ has a
    # file pytest would not collect by name: the file.
    assert d["command"]["bench"] == "pytest benchmarks tests/test_mixed_bench.py tools/bench_custom.py --benchmark-only --benchmark-json=.perfjournal-results.json"
    assert d["bench_files"] == ["benchmarks/**", "tools/**", "tests/test_mixed_bench.py"]


def test_tox_env_is_preferred_and_unmatched_names_are_added(tmp_path):
    write(tmp_path, {
        "tox.ini": """
            [testenv]
            commands = pytest {posargs:tests}

            [testenv:perf]
            commands =
                python -m pytest --cov=x -n auto benchmarks/ {posargs} --benchmark-autosave --benchmark-compare 0001
        """,
        "benchmarks/test_a.py": BENCH_TEST,
        "benchmarks/speed.py": BENCH_TEST,
        "tests/test_unit.py": "def test_u():\n    pass\n",
    })
    c = detect(tmp_path, which=lambda n: None if n == "python" else "/bin/" + n)["command"]
    assert c["bench"] == "python3 -m pytest benchmarks/ benchmarks/speed.py --benchmark-only --benchmark-json=.perfjournal-results.json"
    assert c["source"].startswith("tox env perf (tox.ini)")
    assert [o["option"] for o in c["overridden"]] == ["--cov=x", "-n auto", "--benchmark-autosave", "--benchmark-compare 0001"]


def test_makefile_and_justfile_targets(tmp_path):
    write(tmp_path, {
        "Makefile": "test:\n\tpython3 -m pytest --benchmark-disable\n\nbench:\n\tpython3 -m pytest --benchmark-enable --benchmark-sort=name --benchmark-compare\n",
        "tests/test_bench.py": BENCH_TEST,
        "tests/test_unit.py": "def test_u():\n    pass\n",
    })
    c = detect(tmp_path, which=all_tools)["command"]
    assert c["source"] == "Makefile target bench: python3 -m pytest --benchmark-enable --benchmark-sort=name --benchmark-compare"
    assert c["bench"] == "python -m pytest --benchmark-sort=name --benchmark-only --benchmark-json=.perfjournal-results.json"


@pytest.mark.parametrize("addopts, extra, overridden", [
    ("--benchmark-disable", "--benchmark-enable", ["--benchmark-disable"]),
    ("--benchmark-skip -q", "", ["--benchmark-skip"]),
    ("-q --benchmark-autosave --benchmark-json=benchmark.json", "-o addopts=-q", ["--benchmark-autosave", "--benchmark-json=benchmark.json"]),
    ("--benchmark-disable --benchmark-save=x", "-o addopts=", ["--benchmark-disable", "--benchmark-save=x"]),
    ("-ra --benchmark-sort=name", "", []),
])
def test_addopts_conflicts(tmp_path, addopts, extra, overridden):
    write(tmp_path, {"pytest.ini": f"[pytest]\naddopts = {addopts}\n", "benchmarks/test_a.py": BENCH_TEST})
    c = detect(tmp_path)["command"]
    assert c["bench"] == " ".join(w for w in ["pytest benchmarks", extra, "--benchmark-only --benchmark-json=.perfjournal-results.json"] if w)
    assert [o["option"] for o in c["overridden"]] == overridden
    assert all(o["why"] and o["how"] for o in c["overridden"])


def test_package_manager_prefix_only_when_installed(tmp_path):
    write(tmp_path, {"uv.lock": "version = 1\n", "benchmarks/test_a.py": BENCH_TEST})
    missing = detect(tmp_path, which=no_tools)
    assert missing["command"]["bench"].startswith("pytest ")
    assert "uv.lock found but uv is not installed: using the current environment (install uv to use it)" in missing["warnings"]
    present = detect(tmp_path, which=all_tools)
    assert present["command"]["bench"].startswith("uv run pytest ")
    assert present["command"]["test"] == "uv run pytest -q --benchmark-disable"


def test_results_path_is_quoted(tmp_path):
    write(tmp_path, {"benchmarks/test_a.py": BENCH_TEST})
    c = detect(tmp_path, results="out dir/r.json")["command"]
    assert shlex.split(c["bench"])[-1] == "--benchmark-json=out dir/r.json"


def test_no_benchmarks(tmp_path):
    write(tmp_path, {"tests/test_a.py": "def test_a():\n    pass\n"})
    d = detect(tmp_path)
    assert d["command"]["bench"] is None and d["benchmarks"]["count"] == 0
    assert d["command"]["test"] == "pytest -q"


# ------------------------------------------------------------------------------------------ the fixture projects

EXPECTED = {
    "setup-py-extras": ("pytest tests/performance -o addopts= --benchmark-only", ["tests/performance/**"]),
    "custom-name-tox": ("pytest benchmarking/bench_core.py --benchmark-only", ["benchmarking/**"]),
    "uv-lock-missing": ("pytest testing/benchmark.py --benchmark-only", ["testing/benchmark.py"]),
    "conflicting-addopts": ("pytest benchmarks --benchmark-enable --benchmark-only", ["benchmarks/**"]),
    "two-dirs": ("pytest benchmarks tests/perf --benchmark-only", ["benchmarks/**", "tests/perf/**"]),
    "no-benchmarks": (None, []),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_projects(name):
    d = detect(FIXTURES / name)
    collect, globs = EXPECTED[name]
    assert d["command"]["collect"] == collect
    assert d["bench_files"] == globs


def test_command_line_prints_json():
    out = subprocess.run([sys.executable, str(HELPERS / "detect_project.py"), str(FIXTURES / "two-dirs"), "--results", "r.json"],
                         check=True, capture_output=True, text=True).stdout
    d = json.loads(out)
    assert d["schema"] == 1
    assert d["command"]["bench"].endswith("--benchmark-json=r.json")
    assert os.path.isabs(d["root"])
