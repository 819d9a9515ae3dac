#!/usr/bin/env python3
"""What `perfjournal init` needs to know about a Python project, read statically.

Usage: detect_project.py [ROOT] [--results PATH]

Prints one JSON object on stdout (see `detect()` for its keys). This script NEVER runs or imports the
project's code: pyproject.toml is read with tomllib, setup.cfg and tox.ini with configparser, setup.py and
noxfile.py and every test file with `ast`. It needs nothing but the standard library (Python 3.8+;
pyproject.toml needs 3.11's tomllib, or tomli where installed).

Embedded in the perfjournal binary (Helpers/), and run by `init` with the project's python3.
"""

import ast
import configparser
import fnmatch
import json
import os
import re
import shlex
import shutil
import sys

try:  # Python 3.11+
    import tomllib as _toml
except ImportError:  # pragma: no cover - older interpreters
    try:
        import tomli as _toml  # type: ignore
    except ImportError:
        _toml = None

SCHEMA = 1
BENCH_FIXTURE = "benchmark"
PYTEST_BENCHMARK = "pytest-benchmark"
DEFAULT_PYTHON_FILES = ["test_*.py", "*_test.py"]
DEFAULT_PYTHON_CLASSES = ["Test"]
DEFAULT_PYTHON_FUNCTIONS = ["test"]
# Directories never scanned for benchmarks: VCS, virtual environments, caches, build output.
SKIP_DIRS = {
    ".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", ".env", "env", "node_modules", "build", "dist",
    "__pycache__", ".eggs", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".benchmarks", "site-packages",
    ".perfjournal", "_build", ".idea", ".vscode", "htmlcov", ".hypothesis",
}
MAX_FILE_BYTES = 2_000_000
# Flags of pytest-benchmark that fight perfjournal's own `--benchmark-only --benchmark-json=PATH`.
# value: (takes a value, why it conflicts)
CONFLICTING = {
    "--benchmark-json": (True, "writes a second results file (pytest-benchmark < 5.3 creates it even when a later --benchmark-json wins)"),
    "--benchmark-autosave": (False, "saves a second results file under .benchmarks/"),
    "--benchmark-save": (True, "saves a second results file under .benchmarks/"),
    "--benchmark-compare": (None, "compares with a saved run, and fails when there is none to compare with"),
    "--benchmark-compare-fail": (True, "fails the run on a regression against a saved run; perfjournal judges regressions itself"),
    "--benchmark-disable": (False, "disables the benchmarks (pytest-benchmark refuses it together with --benchmark-only)"),
    "--benchmark-skip": (False, "skips the benchmarks"),
    "--benchmark-histogram": (None, "writes histogram files"),
    "--benchmark-cprofile": (True, "profiles each benchmark, which slows the measured code"),
}
# Flags that are dropped from a command taken from tox/nox/make because they distort the timing or
# split the run across processes.
DISTORTING_PREFIXES = ("--cov", "--no-cov")
XDIST_FLAGS = ("-n", "--numprocesses", "--dist", "--maxprocesses")


# --------------------------------------------------------------------------------------------- helpers

def normalize(name):
    """PEP 503 normalized project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(spec):
    """The normalized project name a PEP 508 requirement names ("pytest_benchmark[histogram]>=4" ->
    "pytest-benchmark"); "" for options, URLs and comments."""
    if not isinstance(spec, str):
        return ""
    text = spec.strip()
    if not text or text.startswith(("#", "-")):
        return ""
    m = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", text)
    return normalize(m.group(0)) if m else ""


def read_text(path):
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_FILE_BYTES:
        return None
    return data.decode("utf-8", errors="replace")


def split_args(value):
    """A pytest ini 'args' value: a string split like a shell, or a TOML list."""
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str):
        try:
            return shlex.split(value)
        except ValueError:
            return value.split()
    return []


def split_lines(value):
    """A pytest ini 'linelist'/'args' value as a list of words (testpaths, python_files)."""
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str):
        return value.split()
    return []


def literal(node):
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def shell_join(words):
    return " ".join(shlex.quote(w) for w in words)


class Report:
    def __init__(self):
        self.notes = []
        self.warnings = []

    def note(self, text):
        self.notes.append(text)

    def warn(self, text):
        self.warnings.append(text)


# --------------------------------------------------------------------------------------------- reading

class Project:
    def __init__(self, root, report):
        self.root = os.path.abspath(root)
        self.report = report
        self._toml_cache = {}

    def path(self, rel):
        return os.path.join(self.root, rel)

    def exists(self, rel):
        return os.path.exists(self.path(rel))

    def text(self, rel):
        return read_text(self.path(rel)) if os.path.isfile(self.path(rel)) else None

    def toml(self, rel):
        if rel in self._toml_cache:
            return self._toml_cache[rel]
        value = None
        text = self.text(rel)
        if text is not None:
            if _toml is None:
                self.report.warn(f"{rel} not read: this Python ({sys.version.split()[0]}) has no tomllib (3.11+) and no tomli")
            else:
                try:
                    value = _toml.loads(text)
                except Exception as e:  # tomllib.TOMLDecodeError
                    self.report.warn(f"{rel} is not valid TOML ({e}); ignored")
        self._toml_cache[rel] = value
        return value

    def ini(self, rel):
        text = self.text(rel)
        if text is None:
            return None
        parser = configparser.RawConfigParser(strict=False, interpolation=None)
        parser.optionxform = str  # keep key case
        try:
            parser.read_string(text, source=rel)
        except configparser.Error as e:
            self.report.warn(f"{rel} could not be read ({str(e).splitlines()[0]}); ignored")
            return None
        return parser

    def python_ast(self, rel):
        text = self.text(rel)
        if text is None:
            return None
        try:
            return ast.parse(text, filename=rel)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            self.report.warn(f"{rel} could not be parsed; ignored")
            return None


def get(table, *keys):
    for k in keys:
        if not isinstance(table, dict):
            return None
        table = table.get(k)
    return table


# --------------------------------------------------------------------------------------------- setup.py

def setup_py_info(project):
    """install_requires / extras_require / tests_require / python_requires from the setup() call's
    literal arguments, following names bound to literals at module level."""
    tree = project.python_ast("setup.py")
    if tree is None:
        return None
    names = {}

    def value_of(node):
        """Literals, names bound to literals, and `+` of lists: what setup() arguments are made of."""
        if isinstance(node, ast.Name):
            return names.get(node.id)
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            items = [value_of(e) for e in node.elts]
            return None if any(i is None for i in items) else items
        if isinstance(node, ast.Dict):
            keys = [value_of(k) if k is not None else None for k in node.keys]
            values = [value_of(v) for v in node.values]
            if any(k is None or not isinstance(k, str) for k in keys):
                return None
            return {k: v for k, v in zip(keys, values) if v is not None}
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = value_of(node.left), value_of(node.right)
            if isinstance(left, list) and isinstance(right, list):
                return left + right
            if isinstance(left, str) and isinstance(right, str):
                return left + right
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict" and not node.args:
            return {kw.arg: value_of(kw.value) for kw in node.keywords if kw.arg}
        return None

    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = value_of(node.value)
            if value is not None:
                names[node.targets[0].id] = value

    info = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            fname = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if fname != "setup":
                continue
            for kw in node.keywords:
                if kw.arg in ("install_requires", "extras_require", "tests_require", "setup_requires", "python_requires"):
                    v = value_of(kw.value)
                    if v is not None:
                        info[kw.arg] = v
    return info


# --------------------------------------------------------------------------------------------- dependencies

def dependency_places(project):
    """Every declared list of requirements: [(where, [normalized names])]."""
    places = []

    def add(where, specs):
        if isinstance(specs, str):
            specs = [s for s in specs.splitlines()]
        if isinstance(specs, dict):  # Poetry: {name: version}
            names = [normalize(k) for k in specs]
        elif isinstance(specs, (list, tuple)):
            names = [requirement_name(s) for s in specs if isinstance(s, str)]
        else:
            return
        names = [n for n in names if n]
        if names:
            places.append((where, names))

    py = project.toml("pyproject.toml")
    if py:
        add("pyproject.toml [project] dependencies", get(py, "project", "dependencies"))
        for name, specs in (get(py, "project", "optional-dependencies") or {}).items():
            add(f"pyproject.toml [project.optional-dependencies] {name}", specs)
        for name, specs in (get(py, "dependency-groups") or {}).items():
            add(f"pyproject.toml [dependency-groups] {name}", specs)
        add("pyproject.toml [tool.uv] dev-dependencies", get(py, "tool", "uv", "dev-dependencies"))
        for name, specs in (get(py, "tool", "pdm", "dev-dependencies") or {}).items():
            add(f"pyproject.toml [tool.pdm.dev-dependencies] {name}", specs)
        for section in ("dependencies", "dev-dependencies"):
            add(f"pyproject.toml [tool.poetry.{section}]", get(py, "tool", "poetry", section))
        for group, table in (get(py, "tool", "poetry", "group") or {}).items():
            add(f"pyproject.toml [tool.poetry.group.{group}.dependencies]", get(table, "dependencies"))
        for env, table in (get(py, "tool", "hatch", "envs") or {}).items():
            add(f"pyproject.toml [tool.hatch.envs.{env}] dependencies", get(table, "dependencies"))
            add(f"pyproject.toml [tool.hatch.envs.{env}] extra-dependencies", get(table, "extra-dependencies"))

    cfg = project.ini("setup.cfg")
    if cfg is not None:
        if cfg.has_option("options", "install_requires"):
            add("setup.cfg [options] install_requires", cfg.get("options", "install_requires"))
        if cfg.has_option("options", "tests_require"):
            add("setup.cfg [options] tests_require", cfg.get("options", "tests_require"))
        if cfg.has_section("options.extras_require"):
            for name, specs in cfg.items("options.extras_require"):
                add(f"setup.cfg [options.extras_require] {name}", specs)

    setup = setup_py_info(project)
    if setup:
        add("setup.py install_requires", setup.get("install_requires"))
        add("setup.py tests_require", setup.get("tests_require"))
        extras = setup.get("extras_require")
        if isinstance(extras, dict):
            for name, specs in extras.items():
                add(f"setup.py extras_require[{name!r}]", specs)

    for rel in requirements_files(project):
        text = project.text(rel) or ""
        add(rel, [line.split("#", 1)[0] for line in text.splitlines()])

    pipfile = project.toml("Pipfile")
    if pipfile:
        for section in ("packages", "dev-packages"):
            add(f"Pipfile [{section}]", get(pipfile, section))

    tox = tox_config(project)
    for env in tox:
        if env["deps"]:
            add(f"{env['file']} [{env['section']}] deps", env["deps"])

    for session in nox_sessions(project):
        if session["installs"]:
            add(f"noxfile.py session {session['name']} install", session["installs"])
    return places


def requirements_files(project):
    found = []
    for d in ("", "requirements", "reqs", "requirements.d"):
        full = project.path(d) if d else project.root
        try:
            entries = sorted(os.listdir(full))
        except OSError:
            continue
        for name in entries:
            rel = f"{d}/{name}" if d else name
            if not os.path.isfile(project.path(rel)):
                continue
            if d:
                ok = name.endswith((".txt", ".in"))
            else:
                ok = "requirements" in name.lower() and name.endswith((".txt", ".in"))
            if ok:
                found.append(rel)
    return found


# --------------------------------------------------------------------------------------------- python version

def python_requirement(project, setup):
    py = project.toml("pyproject.toml")
    if py:
        v = get(py, "project", "requires-python")
        if isinstance(v, str):
            return v, "pyproject.toml [project] requires-python"
        v = get(py, "tool", "poetry", "dependencies", "python")
        if isinstance(v, dict):
            v = v.get("version")
        if isinstance(v, str):
            return v, "pyproject.toml [tool.poetry.dependencies] python"
    cfg = project.ini("setup.cfg")
    if cfg is not None and cfg.has_option("options", "python_requires"):
        return cfg.get("options", "python_requires").strip(), "setup.cfg [options] python_requires"
    if setup and isinstance(setup.get("python_requires"), str):
        return setup["python_requires"], "setup.py python_requires"
    text = project.text(".python-version")
    if text and text.strip():
        return text.strip().splitlines()[0], ".python-version"
    return None, None


def version_tuple(text):
    parts = []
    for p in text.split("."):
        m = re.match(r"\d+", p)
        if not m:
            break
        parts.append(int(m.group(0)))
    return tuple(parts)


def satisfies(version, requirement):
    """Whether a release version meets a simple specifier set (>=, >, <=, <, ==, !=, ~=, ^, bare);
    None when the requirement cannot be read."""
    v = version_tuple(version)
    ok = True
    for clause in re.split(r"[,|]", requirement):
        clause = clause.strip()
        if not clause:
            continue
        m = re.match(r"(~=|==|!=|>=|<=|>|<|\^|~)?\s*([0-9][0-9.*]*)$", clause)
        if not m:
            return None
        op, want = m.group(1) or "==", m.group(2)
        if want.endswith(".*"):
            w = version_tuple(want[:-2])
            res = v[:len(w)] == w if op == "==" else v[:len(w)] != w
        else:
            w = version_tuple(want)
            n = max(len(w), 1)
            vv = v[:max(len(w), len(v))]
            pad = lambda t, k: t + (0,) * (k - len(t))
            k = max(len(vv), len(w))
            a, b = pad(vv, k), pad(w, k)
            if op == ">=":
                res = a >= b
            elif op == ">":
                res = a > b
            elif op == "<=":
                res = a <= b
            elif op == "<":
                res = a < b
            elif op == "!=":
                res = v[:n] != w
            elif op == "==":
                res = v[:n] == w if len(w) < len(v) else a == b
            elif op == "~=":
                res = a >= b and v[:max(n - 1, 1)] == w[:max(n - 1, 1)]
            elif op == "^":  # Poetry caret
                res = a >= b and v[:1] == w[:1]
            else:  # "~" Poetry tilde
                res = a >= b and v[:2] == w[:2]
        ok = ok and res
    return ok


# --------------------------------------------------------------------------------------------- package manager

MANAGERS = [
    # (name, lock files, run prefix)
    ("uv", ["uv.lock"], "uv run "),
    ("poetry", ["poetry.lock"], "poetry run "),
    ("pipenv", ["Pipfile.lock"], "pipenv run "),
    ("pdm", ["pdm.lock"], "pdm run "),
]


def package_manager(project, report, which):
    locks = [lock for _, files, _ in MANAGERS for lock in files if project.exists(lock)]
    py = project.toml("pyproject.toml") or {}
    chosen = None
    for name, files, prefix in MANAGERS:
        present = [f for f in files if project.exists(f)]
        if present:
            chosen = (name, f"{present[0]} found", prefix)
            break
    if chosen is None:
        if get(py, "tool", "poetry") is not None:
            chosen = ("poetry", "pyproject.toml has [tool.poetry] (no lock file)", "poetry run ")
        elif project.exists("Pipfile"):
            chosen = ("pipenv", "Pipfile found (no lock file)", "pipenv run ")
        elif get(py, "tool", "uv") is not None:
            chosen = ("uv", "pyproject.toml has [tool.uv] (no lock file)", "uv run ")
        elif get(py, "tool", "pdm") is not None:
            chosen = ("pdm", "pyproject.toml has [tool.pdm] (no lock file)", "pdm run ")
    result = {"name": "pip" if requirements_files(project) else "none", "lock_files": locks, "evidence": None,
              "tool_installed": None, "prefix": ""}
    if chosen is None:
        if result["name"] == "pip":
            result["evidence"] = f"{requirements_files(project)[0]} found"
            report.note(f"package manager: pip ({result['evidence']}); commands run in the current environment")
        else:
            report.note("package manager: none found (no uv.lock, poetry.lock, Pipfile.lock, pdm.lock or requirements*.txt); commands run in the current environment")
        return result
    name, why, prefix = chosen
    installed = which(name) is not None
    result.update(name=name, evidence=why, tool_installed=installed, prefix=prefix if installed else "")
    if installed:
        report.note(f"package manager: {name} ({why}); commands start with `{prefix.strip()}`")
    else:
        thing = why.split(" found")[0] + " found" if " found" in why else why.split(" (no lock file)")[0]
        report.warn(f"{thing} but {name} is not installed: using the current environment (install {name} to use it)")
    return result


# --------------------------------------------------------------------------------------------- pytest config

def pytest_config(project):
    """The ini file pytest itself would pick at the root: pytest.ini, .pytest.ini, pyproject.toml
    ([tool.pytest] or [tool.pytest.ini_options]), tox.ini [pytest], setup.cfg [tool:pytest]."""
    def from_ini(rel, section):
        cfg = project.ini(rel)
        if cfg is None or not cfg.has_section(section):
            return None
        return {k: v for k, v in cfg.items(section)}

    found = None
    for rel in ("pytest.ini", ".pytest.ini"):
        if project.exists(rel):
            found = (rel, "[pytest]", from_ini(rel, "pytest") or {})
            break
    if found is None:
        py = project.toml("pyproject.toml")
        if py is not None:
            native = get(py, "tool", "pytest")
            if isinstance(native, dict) and "ini_options" in native and isinstance(native["ini_options"], dict):
                found = ("pyproject.toml", "[tool.pytest.ini_options]", native["ini_options"])
            elif isinstance(native, dict) and native:
                found = ("pyproject.toml", "[tool.pytest]", {k: v for k, v in native.items() if k != "ini_options"})
    if found is None:
        t = from_ini("tox.ini", "pytest")
        if t is not None:
            found = ("tox.ini", "[pytest]", t)
    if found is None:
        s = from_ini("setup.cfg", "tool:pytest")
        if s is not None:
            found = ("setup.cfg", "[tool:pytest]", s)
    if found is None:
        return {"file": None, "section": None, "testpaths": [], "python_files": DEFAULT_PYTHON_FILES,
                "python_classes": DEFAULT_PYTHON_CLASSES, "python_functions": DEFAULT_PYTHON_FUNCTIONS, "addopts": []}
    rel, section, values = found
    return {
        "file": rel,
        "section": section,
        "testpaths": split_lines(values.get("testpaths")),
        "python_files": split_lines(values.get("python_files")) or DEFAULT_PYTHON_FILES,
        "python_classes": split_lines(values.get("python_classes")) or DEFAULT_PYTHON_CLASSES,
        "python_functions": split_lines(values.get("python_functions")) or DEFAULT_PYTHON_FUNCTIONS,
        "addopts": split_args(values.get("addopts")),
    }


def name_matches(name, patterns):
    """pytest's python_classes / python_functions: a prefix, or a glob when it has wildcards."""
    for p in patterns:
        if any(c in p for c in "*?["):
            if fnmatch.fnmatch(name, p):
                return True
        elif name.startswith(p):
            return True
    return False


def file_matches(rel, patterns):
    """pytest's python_files: globs on the base name (or the path when the pattern has a slash)."""
    base = os.path.basename(rel)
    for p in patterns:
        if os.sep in p or "/" in p:
            if fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(rel, "*/" + p):
                return True
        elif fnmatch.fnmatch(base, p):
            return True
    return False


# --------------------------------------------------------------------------------------------- tox / nox / make

def tox_config(project):
    """[{file, section, env, commands: [str], deps: [str]}] from tox.ini, or pyproject's legacy_tox_ini."""
    envs = []
    sources = []
    cfg = project.ini("tox.ini")
    if cfg is not None:
        sources.append(("tox.ini", cfg))
    py = project.toml("pyproject.toml")
    legacy = get(py, "tool", "tox", "legacy_tox_ini") if py else None
    if isinstance(legacy, str):
        parser = configparser.RawConfigParser(strict=False, interpolation=None)
        try:
            parser.read_string(legacy, source="pyproject.toml")
            sources.append(("pyproject.toml [tool.tox] legacy_tox_ini", parser))
        except configparser.Error:
            pass
    for rel, parser in sources:
        base_commands = parser.get("testenv", "commands", fallback="") if parser.has_section("testenv") else ""
        base_deps = parser.get("testenv", "deps", fallback="") if parser.has_section("testenv") else ""
        for section in parser.sections():
            if section != "testenv" and not section.startswith("testenv:"):
                continue
            name = section.split(":", 1)[1] if ":" in section else "(default)"
            commands = parser.get(section, "commands", fallback=None)
            deps = parser.get(section, "deps", fallback=None)
            envs.append({
                "file": rel, "section": section, "env": name,
                "commands": tox_command_lines(commands if commands is not None else base_commands),
                "deps": [d for d in (deps if deps is not None else base_deps).splitlines() if d.strip()],
            })
    toml_tox = project.toml("tox.toml")
    if toml_tox:
        tables = [("env_run_base", get(toml_tox, "env_run_base") or {})]
        tables += [(f"env.{k}", v) for k, v in (get(toml_tox, "env") or {}).items()]
        for name, table in tables:
            commands = []
            for cmd in (table.get("commands") or []):
                if isinstance(cmd, list):
                    commands.append(shell_join([c if isinstance(c, str) else "{posargs}" for c in cmd]))
            envs.append({"file": "tox.toml", "section": name, "env": name.split(".", 1)[-1], "commands": commands,
                         "deps": [d for d in (table.get("deps") or []) if isinstance(d, str)]})
    return envs


def tox_command_lines(text):
    lines, current = [], ""
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        line = current + line
        current = ""
        # A factor-conditional line: "py314: python -m pytest ...", "coverage: coverage run ..."
        m = re.match(r"^!?[\w{},.-]+(?:-[\w{},.-]+)*:\s+(.*)$", line)
        if m and not re.match(r"^[a-z]+://", line):
            line = m.group(1)
        lines.append(line)
    if current:
        lines.append(current.strip())
    return lines


def nox_sessions(project):
    tree = project.python_ast("noxfile.py")
    if tree is None:
        return []
    sessions = []
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        name = None
        for deco in node.decorator_list:
            target = deco.func if isinstance(deco, ast.Call) else deco
            text = ast.unparse(target) if hasattr(ast, "unparse") else ""
            if text.endswith("session") or text.endswith("nox.session"):
                name = node.name
                if isinstance(deco, ast.Call):
                    for kw in deco.keywords:
                        if kw.arg == "name" and isinstance(literal(kw.value), str):
                            name = literal(kw.value)
        if name is None:
            continue
        runs, installs = [], []
        for call in ast.walk(node):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
                continue
            words = []
            for arg in call.args:
                if isinstance(arg, ast.Starred):
                    words.append("{posargs}")
                    continue
                v = literal(arg)
                if isinstance(v, str):
                    words.append(v)
                elif isinstance(v, (list, tuple)) and all(isinstance(x, str) for x in v):
                    words.extend(v)
                else:
                    words.append("{?}")
            if call.func.attr == "run" and words:
                runs.append(words)
            elif call.func.attr == "install":
                installs.extend(w for w in words if not w.startswith("-") and w not in ("{posargs}", "{?}"))
        sessions.append({"name": name, "runs": runs, "installs": installs})
    return sessions


def make_recipes(project):
    """[(file, target, [command lines])] from Makefile and Justfile recipes."""
    out = []
    for rel in ("Makefile", "makefile", "GNUmakefile", "Justfile", "justfile", ".justfile"):
        text = project.text(rel)
        if text is None:
            continue
        target, lines = None, []
        for raw in text.splitlines():
            if raw.startswith(("\t", "    ")) and target:
                line = raw.strip().lstrip("@-")
                if line:
                    lines.append(line)
                continue
            if target:
                out.append((rel, target, lines))
            target, lines = None, []
            m = re.match(r"^([A-Za-z0-9_.-]+)(?:\s+[^:=]*)?\s*:(?!=)", raw)
            if m and not raw.startswith((" ", "#", ".")):
                target = m.group(1)
        if target:
            out.append((rel, target, lines))
    return out


def pytest_argv(words):
    """The arguments after the pytest launcher in a command's words, and the launcher; None when the
    command does not run pytest."""
    for i, w in enumerate(words):
        base = os.path.basename(w)
        if base in ("pytest", "py.test"):
            return words[i + 1:], "pytest"
        if re.match(r"^(python[0-9.]*|pypy[0-9.]*|\{envpython\}|\{envbindir\}/python)$", base) and words[i + 1:i + 3] == ["-m", "pytest"]:
            return words[i + 3:], "python -m pytest"
    return None


def substitute_tox(args):
    """tox substitutions: {posargs:DEFAULT} -> DEFAULT, {posargs} -> nothing, {toxinidir} -> ".", the
    others (env dirs) drop their word."""
    out = []
    for a in args:
        m = re.match(r"^\{posargs(?::(.*))?\}$", a)
        if m:
            default = m.group(1)
            if default:
                out.extend(shlex.split(default))
            continue
        if "{posargs" in a:
            continue
        a = a.replace("{toxinidir}/", "").replace("{toxinidir}", ".")
        if "{" in a and "}" in a:
            continue
        out.append(a)
    return out


# --------------------------------------------------------------------------------------------- benchmark scan

def uses_benchmark_fixture(node, fixture_names):
    args = node.args
    params = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
    if any(p in fixture_names for p in params):
        return True
    return decorators_use_benchmark(node.decorator_list)


def decorators_use_benchmark(decorators):
    for deco in decorators:
        if isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute) and deco.func.attr == "usefixtures":
            if any(literal(a) == BENCH_FIXTURE for a in deco.args):
                return True
    return False


def module_marks_benchmark(tree):
    """`pytestmark = pytest.mark.usefixtures("benchmark")` (or a list holding it) at module level."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets):
            values = node.value.elts if isinstance(node.value, (ast.List, ast.Tuple)) else [node.value]
            if decorators_use_benchmark(values):
                return True
    return False


def class_marks_benchmark(cls):
    if decorators_use_benchmark(cls.decorator_list):
        return True
    for node in cls.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets):
            values = node.value.elts if isinstance(node.value, (ast.List, ast.Tuple)) else [node.value]
            if decorators_use_benchmark(values):
                return True
    return False


def fixtures_using_benchmark(tree):
    """Names of fixtures defined here that request the benchmark fixture themselves."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            is_fixture = False
            fixture_name = node.name
            for deco in node.decorator_list:
                target = deco.func if isinstance(deco, ast.Call) else deco
                if (isinstance(target, ast.Attribute) and target.attr == "fixture") or (isinstance(target, ast.Name) and target.id == "fixture"):
                    is_fixture = True
                    if isinstance(deco, ast.Call):
                        for kw in deco.keywords:
                            if kw.arg == "name" and isinstance(literal(kw.value), str):
                                fixture_name = literal(kw.value)
            if is_fixture and BENCH_FIXTURE in [a.arg for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs]:
                names.add(fixture_name)
    return names


def walk_python_files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        keep = []
        for d in sorted(dirnames):
            full = os.path.join(dirpath, d)
            if d in SKIP_DIRS or d.endswith(".egg-info") or (d.startswith(".") and d not in (".github",)):
                continue
            if os.path.exists(os.path.join(full, "pyvenv.cfg")) or os.path.islink(full):
                continue
            keep.append(d)
        dirnames[:] = keep
        for f in sorted(filenames):
            if f.endswith(".py"):
                yield os.path.relpath(os.path.join(dirpath, f), root).replace(os.sep, "/")


def scan_benchmarks(project, config, report):
    """Every test that takes the benchmark fixture: {file: [test names]}, and the test-named files."""
    trees = {}
    test_files = []
    for rel in walk_python_files(project.root):
        if file_matches(rel, config["python_files"]) or os.path.basename(rel) == "conftest.py":
            test_files.append(rel)
        text = project.text(rel)
        if text is None or BENCH_FIXTURE not in text:
            continue
        try:
            trees[rel] = ast.parse(text, filename=rel)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            report.warn(f"{rel} could not be parsed; not scanned for benchmarks")
    fixture_names = {BENCH_FIXTURE}
    for tree in trees.values():
        fixture_names |= fixtures_using_benchmark(tree)
    found = {}
    funcs = config["python_functions"]
    classes = config["python_classes"]
    for rel, tree in trees.items():
        if os.path.basename(rel) == "conftest.py":
            continue
        whole_module = module_marks_benchmark(tree)
        tests = []
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and name_matches(node.name, funcs):
                if whole_module or uses_benchmark_fixture(node, fixture_names):
                    tests.append(node.name)
            elif isinstance(node, ast.ClassDef) and name_matches(node.name, classes):
                if any(isinstance(b, ast.FunctionDef) and b.name == "__init__" for b in node.body):
                    continue
                whole_class = whole_module or class_marks_benchmark(node)
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and name_matches(item.name, funcs):
                        if whole_class or uses_benchmark_fixture(item, fixture_names):
                            tests.append(f"{node.name}::{item.name}")
        if tests:
            found[rel] = tests
    return found, test_files


# --------------------------------------------------------------------------------------------- command

def option_name(word):
    return word.split("=", 1)[0]


def strip_conflicts(args, where, overridden, drop_distorting):
    """Removes the flags in CONFLICTING (and, for commands taken from tox/nox/make, coverage and xdist)
    from args; records each removal in `overridden`."""
    out = []
    i = 0
    while i < len(args):
        a = args[i]
        name = option_name(a)
        if name in CONFLICTING:
            takes_value, why = CONFLICTING[name]
            removed = [a]
            if takes_value is True and "=" not in a and i + 1 < len(args):
                removed.append(args[i + 1])
                i += 1
            elif takes_value is None and "=" not in a and i + 1 < len(args) and re.match(r"^[0-9]+$|^[0-9a-f]{4,8}$", args[i + 1]):
                removed.append(args[i + 1])
                i += 1
            overridden.append({"option": " ".join(removed), "where": where, "why": why})
            i += 1
            continue
        if drop_distorting and (name.startswith(DISTORTING_PREFIXES) or name in XDIST_FLAGS or re.match(r"^-n\d+$", a)):
            removed = [a]
            if "=" not in a and name in ("--cov", "-n", "--numprocesses", "--dist", "--maxprocesses", "--cov-report", "--cov-config", "--cov-fail-under") and i + 1 < len(args) and not args[i + 1].startswith("-"):
                removed.append(args[i + 1])
                i += 1
            why = "coverage tracing slows the measured code" if name.startswith(DISTORTING_PREFIXES) else "pytest-xdist disables pytest-benchmark"
            overridden.append({"option": " ".join(removed), "where": where, "why": why})
            i += 1
            continue
        out.append(a)
        i += 1
    return out


def strip_conflicts_count(args):
    removed = []
    strip_conflicts(args, "", removed, drop_distorting=True)
    return removed


def positional_paths(args):
    """The words of a pytest command line that name files or directories (not options or their values)."""
    takes_value = {"-k", "-m", "-p", "-c", "-o", "--rootdir", "--confcutdir", "--ignore", "--deselect",
                   "--ignore-glob", "--junitxml", "--basetemp", "-W", "--maxfail", "--tb", "-r", "--durations",
                   "--benchmark-columns", "--benchmark-sort", "--benchmark-group-by", "--benchmark-min-rounds",
                   "--benchmark-max-time", "--benchmark-min-time", "--benchmark-warmup", "--benchmark-warmup-iterations",
                   "--benchmark-timer", "--benchmark-name", "--import-mode", "--log-level", "--timeout", "--codspeed-mode"}
    paths, skip = [], False
    for a in args:
        if skip:
            skip = False
            continue
        if a.startswith("-"):
            if "=" not in a and a in takes_value:
                skip = True
            continue
        paths.append(a)
    return paths


def covers(path, bench_file):
    p = path.split("::", 1)[0].rstrip("/")
    p = os.path.normpath(p).replace(os.sep, "/")
    return p in (".", "") or bench_file == p or bench_file.startswith(p + "/")


def project_commands(project):
    """Candidate benchmark commands from tox, nox, Makefile and Justfile:
    [{source, name, words}] for every command that runs pytest."""
    out = []
    for env in tox_config(project):
        for line in env["commands"]:
            try:
                words = shlex.split(line)
            except ValueError:
                continue
            parsed = pytest_argv(words)
            if parsed is not None:
                args, launcher = parsed
                out.append({"source": f"tox env {env['env']} ({env['file']})", "name": env["env"],
                            "line": line, "args": substitute_tox(args), "launcher": launcher})
    for session in nox_sessions(project):
        for words in session["runs"]:
            parsed = pytest_argv(words)
            if parsed is not None:
                args, launcher = parsed
                args = [a for a in args if a not in ("{posargs}", "{?}")]
                out.append({"source": f"nox session {session['name']} (noxfile.py)", "name": session["name"],
                            "line": shell_join(words), "args": args, "launcher": launcher})
    for rel, target, lines in make_recipes(project):
        for line in lines:
            if "$(" in line and "pytest" not in line:
                continue
            try:
                words = shlex.split(re.sub(r"\{\{[^}]*\}\}", "", line))
            except ValueError:
                continue
            parsed = pytest_argv(words)
            if parsed is not None:
                args, launcher = parsed
                out.append({"source": f"{rel} target {target}", "name": target, "line": line,
                            "args": [a for a in args if not a.startswith("$")], "launcher": launcher})
    return out


def runs_benchmarks(cmd, bench_files, testpaths=()):
    """A command is the project's benchmark command when it asks pytest-benchmark to measure
    (--benchmark-only / --benchmark-enable / saving or comparing runs) or is named for benchmarks, and
    what it collects includes a benchmark."""
    args = cmd["args"]
    asks = any(option_name(a) in ("--benchmark-only", "--benchmark-enable", "--benchmark-autosave", "--benchmark-save",
                                  "--benchmark-compare", "--benchmark-json") for a in args)
    named = "bench" in cmd["name"].lower()
    paths = positional_paths(args)
    covered = [f for f in bench_files if any(covers(p, f) for p in (paths or testpaths or ["."]))]
    if any(option_name(a) == "--benchmark-skip" or option_name(a) == "--benchmark-disable" for a in args) and not asks:
        return False, covered
    return (asks or named) and bool(covered), covered


def choose_paths(bench, test_files, config, require_match=True):
    """The fewest paths that hold every benchmark: a directory when no test file under it lacks
    benchmarks (and, for pytest paths, every benchmark file in it matches python_files, since pytest
    collects only those from a directory), otherwise the files themselves."""
    def only_benchmarks(d):
        under = [t for t in test_files if t.startswith(d + "/") and os.path.basename(t) != "conftest.py"]
        return all(t in bench for t in under)

    chosen_dirs = []
    for d in sorted({os.path.dirname(f) for f in bench}):
        if d == "" or not only_benchmarks(d):
            continue
        if require_match and not all(file_matches(f, config["python_files"]) for f in bench if f.startswith(d + "/")):
            continue
        # Climb while the parent holds nothing but benchmarks too.
        while os.path.dirname(d) and only_benchmarks(os.path.dirname(d)) and (
                not require_match or all(file_matches(f, config["python_files"]) for f in bench if f.startswith(os.path.dirname(d) + "/"))):
            d = os.path.dirname(d)
        chosen_dirs.append(d)
    chosen_dirs = sorted(set(chosen_dirs))
    chosen_dirs = [d for d in chosen_dirs if not any(d != o and d.startswith(o + "/") for o in chosen_dirs)]
    return chosen_dirs + [f for f in sorted(bench) if not any(f.startswith(d + "/") for d in chosen_dirs)]


def build_command(project, config, bench, test_files, pm, report, results, which):
    overridden = []
    candidates = project_commands(project)
    chosen = None
    best = None
    for order, cmd in enumerate(candidates):
        ok, covered = runs_benchmarks(cmd, bench, config["testpaths"])
        cmd["covers"] = covered
        if not ok:
            continue
        # Most benchmark files first; then a target named plainly for benchmarks ("bench", "benchmark");
        # then the one with fewest flags to take out; then the first in the file.
        conflicts = len(strip_conflicts_count(cmd["args"]))
        score = (len(covered), cmd["name"].lower() in ("bench", "benchmark", "benchmarks"), -conflicts, -order)
        if best is None or score > best:
            best, chosen = score, cmd
    launcher = "pytest"
    if chosen is not None:
        args = strip_conflicts(chosen["args"], chosen["source"], overridden, drop_distorting=True)
        args = [a for a in args if option_name(a) not in ("--benchmark-only", "--benchmark-enable")]
        source = f"{chosen['source']}: {chosen['line']}"
        launcher = chosen["launcher"]
        missing = [f for f in bench if f not in chosen["covers"]]
        if missing:
            report.note(f"{chosen['source']} does not run {', '.join(missing)}; left out as the project does")
        paths = positional_paths(args)
        not_collected = [f for f in bench if f in chosen["covers"] and not file_matches(f, config["python_files"])
                         and not any(os.path.normpath(p) == f for p in paths)]
        if not_collected:
            args = args + not_collected
            report.note(f"added {', '.join(not_collected)}: {'its name does' if len(not_collected) == 1 else 'their names do'} not match python_files ({' '.join(config['python_files'])})")
    else:
        args = choose_paths(bench, test_files, config) if bench else []
        source = "the benchmark files found" if bench else None
    if launcher == "python -m pytest":
        launcher = ("python" if which("python") else "python3") + " -m pytest"

    # addopts: keep what does not conflict; an `-o addopts=...` replaces the ini value for this command.
    addopts = config["addopts"]
    kept = strip_conflicts(addopts, f"{config['file']} {config['section']} addopts", overridden, drop_distorting=True)
    extra = []
    if kept != addopts:
        needs_rewrite = [o for o in overridden if o["where"].endswith("addopts") and not o["option"].startswith(("--benchmark-disable", "--benchmark-skip"))]
        if needs_rewrite:
            extra += ["-o", "addopts=" + shell_join(kept)]
            for o in overridden:
                if o["where"].endswith("addopts"):
                    o["how"] = "-o addopts=... (the ini value without it)"
        else:
            for o in overridden:
                if o["where"].endswith("addopts"):
                    o["how"] = "--benchmark-enable" if o["option"].startswith("--benchmark-disable") else "--benchmark-only (it overrides --benchmark-skip)"
            if any(o["option"].startswith("--benchmark-disable") for o in overridden if o["where"].endswith("addopts")):
                extra.append("--benchmark-enable")
    for o in overridden:
        o.setdefault("how", "left out of the command")

    prefix = pm["prefix"]
    bench_cmd = collect_cmd = None
    if args or bench:
        words = args + extra + ["--benchmark-only"]
        bench_cmd = f"{prefix}{launcher} {shell_join(words)} --benchmark-json={shlex.quote(results)}"
        collect_cmd = f"{prefix}{launcher} {shell_join(words)}"
    test_cmd = f"{prefix}{launcher} -q" + (" --benchmark-disable" if bench else "")
    return {
        "bench": bench_cmd,
        "collect": collect_cmd,
        "test": test_cmd,
        "source": source,
        "paths": positional_paths(args),
        "overridden": overridden,
        "candidates": [{"source": c["source"], "line": c["line"], "runs_benchmarks": runs_benchmarks(c, bench, config["testpaths"])[0]} for c in candidates],
    }


def bench_globs(bench, test_files, config):
    """The bench.files globs: the directories the benchmarks live in, or a benchmark file's own path
    when it sits among other tests (plus that directory's conftest.py)."""
    globs = []
    for p in choose_paths(bench, test_files, config, require_match=False):
        if p.endswith(".py"):
            globs.append(p)
            conftest = os.path.dirname(p) + "/conftest.py" if os.path.dirname(p) else "conftest.py"
            if conftest in test_files and conftest not in globs:
                globs.append(conftest)
        else:
            globs.append(p + "/**")
    return globs


# --------------------------------------------------------------------------------------------- main

def detect(root, results=".perfjournal-results.json", which=shutil.which, python_version=None):
    report = Report()
    project = Project(root, report)
    python_version = python_version or "%d.%d.%d" % sys.version_info[:3]
    setup = setup_py_info(project)
    requires, requires_where = python_requirement(project, setup)
    python = {"requires": requires, "where": requires_where, "current": python_version, "satisfied": None}
    if requires:
        python["satisfied"] = satisfies(python_version, requires)
        report.note(f"Python {requires}: {requires_where}" + (
            "" if python["satisfied"] is not False else f" (the current python3 is {python_version})"))
        if python["satisfied"] is False:
            report.warn(f"the current python3 is {python_version}, but the project requires {requires} ({requires_where})")

    pm = package_manager(project, report, which)
    config = pytest_config(project)
    if config["file"]:
        bits = []
        if config["testpaths"]:
            bits.append("testpaths " + " ".join(config["testpaths"]))
        if config["python_files"] != DEFAULT_PYTHON_FILES:
            bits.append("python_files " + " ".join(config["python_files"]))
        if config["addopts"]:
            bits.append("addopts " + shell_join(config["addopts"]))
        report.note(f"pytest config: {config['file']} {config['section']}" + (": " + "; ".join(bits) if bits else ""))

    places = [where for where, names in dependency_places(project) if PYTEST_BENCHMARK in names]
    declared = bool(places)
    if declared:
        report.note(f"pytest-benchmark is declared in {places[0]}" + (f" (and {len(places) - 1} more)" if len(places) > 1 else ""))

    bench, test_files = scan_benchmarks(project, config, report)
    count = sum(len(v) for v in bench.values())
    files = [{"path": f, "tests": t, "matches_python_files": file_matches(f, config["python_files"])} for f, t in sorted(bench.items())]
    if bench:
        where = ", ".join(sorted(bench)) if len(bench) <= 3 else f"{len(bench)} files: " + ", ".join(sorted(bench)[:3]) + ", …"
        report.note(f"benchmarks: {count} test function{'s' if count != 1 else ''} taking the benchmark fixture in {where}")
        if not declared:
            report.note("pytest-benchmark is not declared as a dependency, but the tests use its benchmark fixture")
    else:
        report.note("benchmarks: no test takes the benchmark fixture (looked in every .py file"
                    " outside VCS, virtualenv, build and cache directories)")

    command = build_command(project, config, bench, test_files, pm, report, results, which)
    if command["source"]:
        report.note(f"benchmark command from {command['source']}")
    for o in command["overridden"]:
        report.note(f"overridden: {o['option']} ({o['where']}): {o['why']}; {o['how']}")
    globs = bench_globs(bench, test_files, config) if bench else []

    is_python = bool(test_files or bench or requirements_files(project)) or any(
        project.exists(f) for f in ("pyproject.toml", "setup.py", "setup.cfg", "Pipfile", "tox.ini", "noxfile.py"))
    return {
        "schema": SCHEMA,
        "is_python_project": is_python,
        "root": project.root,
        "python": python,
        "package_manager": pm,
        "pytest_benchmark": {"declared": declared, "where": places},
        "pytest_config": config,
        "tox": [{"env": e["env"], "file": e["file"], "commands": e["commands"]} for e in tox_config(project)],
        "nox": nox_sessions(project),
        "benchmarks": {"count": count, "files": files, "directories": sorted({os.path.dirname(f) or "." for f in bench})},
        "command": command,
        "bench_files": globs,
        "notes": report.notes,
        "warnings": report.warnings,
    }


def main(argv):
    root = "."
    results = ".perfjournal-results.json"
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--results" and args:
            results = args.pop(0)
        elif a.startswith("--results="):
            results = a.split("=", 1)[1]
        elif a in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            root = a
    if not os.path.isdir(root):
        print(json.dumps({"error": f"{root}: not a directory"}))
        return 2
    json.dump(detect(root, results), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
