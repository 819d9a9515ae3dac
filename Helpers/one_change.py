"""Groups the symbols a commit changes into independent changes ("one change means one change").

perfjournal embeds this file in its binary and runs it with `python3 -I`; it needs nothing but the
standard library. It reads one JSON request on stdin and writes one JSON answer on stdout.

Request: one commit, or {"commits": [commit, ...]} for several (the answer is then {"commits": [...]}
in the same order). A commit is
    {"files": [{"path": "pkg/mod.py",          # the new path (the old one for a deleted file)
                "old_path": "pkg/old.py",      # optional, when git saw a rename
                "old_text": "..." | null,       # null: the file is new
                "new_text": "..." | null,       # null: the file was deleted
                "deleted_lines": [3, 4],        # 1-based, in old_text
                "added_lines": [3],             # 1-based, in new_text
                "role": "code" | "support"}]}   # optional; default from the path (see SUPPORT)
Only files ending in .py/.pyi are read; the caller groups other languages itself (see below).

Answer:
    {"groups": [{"symbols": ["pkg/mod.py:Class.method", ...],   # changed code, one change
                 "support": ["tests/test_mod.py:test_method"],  # tests/benchmarks that follow it
                 "label": "Class.method"}, ...],
     "unattached": ["tests/test_x.py:test_other"],  # test/bench symbols that reference nothing changed
     "problems": ["pkg/mod.py (new): line 3: invalid syntax"],
     "fallback": false}                             # true: a file could not be read; don't trust groups

How changes are found
---------------------
* A changed line belongs to the innermost function or class around it (decorators included). The
  symbol is named `path:Outer.inner`. A function nested in a function is part of it (one change).
  Lines of a class body outside its methods are the class's own symbol `path:Class`.
* A symbol whose code is the same in both versions apart from docstrings, comments and layout
  (compared as `ast` dumps, nested definitions left out) is not changed. Nor is a module-level
  statement that exists unchanged in the other version (moved or re-wrapped).
* Module level:
  - an import is not a change of its own: it alters nothing unless a changed symbol uses what it
    binds, and then that symbol is the change;
  - an assignment to names (`_WS = re.compile(...)`) is a symbol of its own (`path:_WS`), linked to
    the changed symbols that use it;
  - dunder assignments (`__version__`, `__version_time__`, `__author__`, ...) are metadata and no
    change; `__all__` joins the changed symbols it names without linking them;
  - statements under `if __name__ == "__main__":` are a demo or a self-test: support (below);
  - anything else is the file's `path:<module>` symbol, linked like a definition.
  The blocks of `if`/`try`/`with`/`for` at module or class level are looked into statement by statement.
* Files are code or support (tests, benchmarks, conftest, docs; or as the request says). Support
  symbols join every code group they reference but never link two groups, and one that references
  nothing changed is not a change (it is listed in "unattached").

When two changed symbols are one change
---------------------------------------
They are linked when one references the other, in its old or its new version (so a renamed
function's call sites link through the old name in the old text and the new name in the new text):
* a name: a definition of the same file, or one imported from another changed file (relative and
  absolute imports, `import pkg.mod as m` then `m.f`; a name imported from a package whose changed
  file is not the one named, e.g. `from pkg import f` with f in pkg/core.py, matches a changed
  top-level `f` of that package; `from x import *` matches any changed top-level name);
* an attribute of `self`/`cls` (the method's first parameter): a member of its class, of a base class
  or of a subclass among the changed files;
* any other attribute (`obj.m`): a changed method or class attribute named `m`, unless `m` is a
  method of a builtin type (`get`, `append`, `join`, ... would link by accident);
* a base class, a decorator, an annotation: names like any other.
Groups are the connected components of these links, so two symbols that a third changed symbol
references (a signature change and its callers) are one change, as are a helper and its caller.

A deleted symbol and an added one are also linked when they are a rename or a move: same kind and
(the same name in another file) or (the same enclosing class/module and similar code).

"One idea" in a class (the conservative rule): two changed members of one class are one change when
one of them introduces, retires or assigns an attribute of self on its changed lines (`self._cache =
{}` in `__init__`, or `_cache` added to `__slots__`/class attributes) and the other reads or writes that
same attribute on its changed lines. Two methods that merely both touch an existing attribute are not
one idea.

Other languages (implemented in Swift, OneChangeRule): the changed symbols come from perfjournal's
symbol scanners; two of them are linked when the last component of one's name (`Cache.get` -> `get`)
appears as an identifier token in the other's text, old or new version, outside string literals and
comments as far as a tokenizer without a parser can tell. Changed lines outside every definition
(includes, imports) link nothing and count as no change; support files follow the same rules as here.
"""

import ast
import collections
import copy
import difflib
import fnmatch
import json
import sys

SUPPORT = [
    "tests/*", "test/*", "testing/*", "*/tests/*", "*/test/*",
    "test_*.py", "*/test_*.py", "*_test.py", "conftest.py", "*/conftest.py",
    "benchmarks/*", "benchmark/*", "bench/*", "*/benchmarks/*", "*/bench/*",
    "bench_*.py", "*/bench_*.py", "docs/*", "doc/*",
]

# Attribute names of builtin types: `x.append(...)` says nothing about a changed method `append`.
BUILTIN_ATTRIBUTES = set()
for _type in (object, list, dict, set, frozenset, str, bytes, bytearray, tuple, int, float, complex, type):
    BUILTIN_ATTRIBUTES.update(dir(_type))
BUILTIN_ATTRIBUTES.update(["read", "write", "close", "flush", "seek", "tell", "readline", "readlines", "send",
                           "throw", "group", "groups", "match", "search", "sub", "finditer", "findall"])

DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def is_support_path(path):
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in SUPPORT)


def module_name(path):
    """'pkg.mod' for pkg/mod.py or src/pkg/mod.py; 'pkg' for pkg/__init__.py."""
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if parts and parts[0] in ("src", "lib"):
        parts = parts[1:]
    if not parts:
        return ""
    last = parts[-1]
    for suffix in (".pyi", ".py"):
        if last.endswith(suffix):
            last = last[: -len(suffix)]
            break
    return ".".join(parts[:-1] + ([] if last == "__init__" else [last]))


def strip_docstring(body):
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        return body[1:]
    return body


def own_node(node):
    """A copy of a definition without its docstring: a function with the functions nested in it
    reduced to their names, a class without its methods and nested classes (they are symbols of
    their own)."""

    top = copy.deepcopy(node)

    class Strip(ast.NodeTransformer):
        def visit(self, n):
            if n is not top and isinstance(n, DEFINITIONS):
                if isinstance(top, ast.ClassDef):
                    return None
                return ast.Expr(ast.Name(id="<def %s>" % n.name, ctx=ast.Load()))
            if n is top:
                n.body = strip_docstring(n.body)
            return self.generic_visit(n)

    return Strip().visit(top)


def code_dump(node):
    """What a definition or statement does: its dump without docstring, annotations and layout (type
    annotations are not behaviour: `x: int = 1` is `x = 1`, a bare `x: int` is nothing). Made in one
    pass that copies only what it keeps: deep copies were most of the time of a commit that changes
    thousands of definitions. The tests check it against the deep-copy way on real source."""
    tree = _stripped(node, node if isinstance(node, DEFINITIONS) else None)
    return dump(ast.Module(body=[] if tree is None else [tree], type_ignores=[]))


def _stripped(node, top):
    """A copy of `node` without annotations; under the definition `top`, without its docstring and
    with the definitions nested in it as `own_node` leaves them. None where the node goes."""
    if top is not None and node is not top and isinstance(node, DEFINITIONS):
        if isinstance(top, ast.ClassDef):
            return None
        return ast.Expr(ast.Name(id="<def %s>" % node.name, ctx=ast.Load()))
    if isinstance(node, ast.AnnAssign):
        if node.value is None:
            return None
        return ast.Assign(targets=[node.target], value=_stripped(node.value, top), lineno=node.lineno)
    cls = node.__class__
    if not node._fields:
        return node  # Load, Store, operators: nothing inside to change
    copied = cls.__new__(cls)
    for name in node._fields:
        value = getattr(node, name, _MISSING)
        if value is _MISSING:
            continue
        if (name == "annotation" and cls is ast.arg) or (name == "returns" and cls in FUNCTIONS):
            value = None
        elif isinstance(value, list):
            if name == "body" and node is top:
                value = strip_docstring(value)
            kept = []
            for item in value:
                if isinstance(item, ast.AST):
                    item = _stripped(item, top)
                    if item is None:
                        continue
                kept.append(item)
            value = kept
        elif isinstance(value, ast.AST):
            value = _stripped(value, top)
        setattr(copied, name, value)
    return copied


_MISSING = object()


def dump(node):
    return ast.dump(node, include_attributes=False)


def first_parameter(node):
    if isinstance(node, FUNCTIONS):
        params = node.args.posonlyargs + node.args.args
        if params:
            return params[0].arg
    return None


def is_dunder(name):
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def assigned_names(stmt):
    """The names a module- or class-level assignment binds; None if it is not an assignment to names."""
    if isinstance(stmt, ast.Assign):
        targets = stmt.targets
    elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
        targets = [stmt.target]
    else:
        return None
    names = []
    for target in targets:
        if not isinstance(target, (ast.Name, ast.Tuple, ast.List, ast.Starred)):
            return None
        for n in ast.walk(target):
            if isinstance(n, ast.Name):
                names.append(n.id)
    return names or None


def is_main_guard(stmt):
    """`if __name__ == "__main__":`"""
    test = getattr(stmt, "test", None)
    return isinstance(stmt, ast.If) and isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) \
        and test.left.id == "__name__" and len(test.comparators) == 1 \
        and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value == "__main__"


def bound_names(blocks):
    """The names statements bind (definitions, assignments, imports), looking into compound ones."""
    names = set()
    for block in blocks:
        for stmt in block:
            if isinstance(stmt, DEFINITIONS):
                names.add(stmt.name)
            elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in stmt.names)
            else:
                names.update(assigned_names(stmt) or [])
                inner = [getattr(stmt, f) for f in ("body", "orelse", "finalbody") if isinstance(getattr(stmt, f, None), list)]
                inner += [h.body for h in (getattr(stmt, "handlers", []) or []) + (getattr(stmt, "cases", []) or [])]
                names |= bound_names(inner)
    return names


def walk_statements(tree):
    """The statements of `tree` in `ast.walk`'s order, visiting only statements and the clauses that hold
    them (`except`, `case`): an import is a statement, and statements sit only in statement lists, so the
    expressions (most of a file's nodes) are skipped. The hook's typical commit reads whole files."""
    todo = collections.deque([tree])
    while todo:
        node = todo.popleft()
        for name in node._fields:
            items = getattr(node, name, None)
            if isinstance(items, list):
                todo.extend(item for item in items if isinstance(item, _STATEMENT_HOLDERS))
        if isinstance(node, ast.stmt):
            yield node


_STATEMENT_HOLDERS = (ast.stmt, ast.excepthandler, ast.match_case) if hasattr(ast, "match_case") else (ast.stmt, ast.excepthandler)


def header_dump(node):
    """A class's header: bases, keywords, decorators (what every member inherits)."""
    parts = node.bases + [k.value for k in node.keywords] + node.decorator_list
    return dump(ast.Module(body=[ast.Expr(p) for p in parts], type_ignores=[]))


TRIVIAL_WORDS = 2


def edit_line(text):
    """A changed line as the parallel-edit rule compares it; None for a line too small to tell."""
    text = " ".join(text.split())
    if not text or text.startswith("#"):
        return None
    words = [w for w in "".join(c if c.isalnum() or c == "_" else " " for c in text).split()]
    return text if len(words) >= TRIVIAL_WORDS else None


class Definition:
    def __init__(self, qualname, node, parent, start, self_class, class_name):
        self.qualname = qualname
        self.node = node
        self.kind = "class" if isinstance(node, ast.ClassDef) else "function"
        self.parent = parent          # qualname of the enclosing definition, "" at module level
        self.start = start            # the first decorator's line
        self.end = node.end_lineno
        self.self_class = self_class  # the class whose `self` a function sees (a method, or a closure in one)
        self.class_name = class_name  # the class a method is directly defined in
        self.guards = []              # headers of the if/try/with/for it is defined under: its condition


class Statement:
    """A statement directly at module or class level (compound ones are looked into; see Version)."""

    def __init__(self, node, container, start, end, refs, key, in_main, inner=None):
        self.node = node
        self.inner = inner            # a compound statement's header: the names its blocks bind
        self.container = container    # "" (module) or the class's qualname
        self.start = start
        self.end = end
        self.refs = refs              # the nodes it references through
        self.key = key                # identity across versions
        self.in_main = in_main        # under `if __name__ == "__main__":`


class Version:
    """One side (old or new) of one file: its definitions and its module- and class-level statements."""

    def __init__(self, path, text):
        self.path = path
        self.module = module_name(path)
        self.package = self.module if path.endswith(("__init__.py", "__init__.pyi")) else self.module.rpartition(".")[0]
        self.tree = ast.parse(text, filename=path)
        self.lines = text.splitlines()
        self.definitions = {}
        self.ordered = []
        self.statements = []
        self.imports = {}             # local name -> ("module", dotted) | ("name", module, name)
        self.star_imports = []
        self.collect(self.tree.body, "", None, None, False)
        self.ordered.sort(key=lambda d: (d.start, -d.end))
        self.collect_imports()
        # The names the module itself defines (not imports): its shared helpers and constants.
        self.globals = {d.qualname for d in self.definitions.values() if not d.parent}
        for stmt in self.statements:
            if not stmt.container:
                self.globals.update(assigned_names(stmt.node) or [])
        self.globals -= set(self.imports)

    def define(self, stmt, prefix, self_class, class_name):
        qual = prefix + "." + stmt.name if prefix else stmt.name
        start = min([stmt.lineno] + [d.lineno for d in stmt.decorator_list])
        definition = Definition(qual, stmt, prefix, start, self_class, class_name)
        self.definitions.setdefault(qual, definition)
        self.ordered.append(definition)
        return definition

    def collect(self, body, prefix, self_class, class_name, in_main, guards=()):
        """Module or class level: definitions, and statements (the blocks of if/try/with/for looked into)."""
        for stmt in body:
            if isinstance(stmt, DEFINITIONS):
                definition = self.define(stmt, prefix, self_class if isinstance(stmt, FUNCTIONS) else None,
                                         class_name if isinstance(stmt, FUNCTIONS) else None)
                definition.guards = list(guards)
                if definition.kind == "class":
                    self.collect(stmt.body, definition.qualname, definition.qualname, definition.qualname, in_main)
                else:
                    self.nested(stmt.body, definition.qualname, definition.self_class)
                continue
            blocks = [getattr(stmt, f) for f in ("body", "orelse", "finalbody") if isinstance(getattr(stmt, f, None), list)]
            blocks += [h.body for h in getattr(stmt, "handlers", []) or []]
            blocks += [c.body for c in getattr(stmt, "cases", []) or []]
            blocks = [b for b in blocks if b]
            if blocks:
                # A compound statement: its header is a statement of its own, its blocks are looked into.
                header_end = max(stmt.lineno, min(b[0].lineno for b in blocks) - 1)
                parts = [getattr(stmt, f) for f in ("test", "subject", "iter", "target") if getattr(stmt, f, None) is not None]
                parts += [i for i in getattr(stmt, "items", []) or []]
                parts += [h.type for h in getattr(stmt, "handlers", []) or [] if h.type is not None]
                header = ast.Module(body=[ast.Expr(p) if isinstance(p, ast.expr) else p for p in parts], type_ignores=[])
                key = (prefix, type(stmt).__name__, dump(header))
                self.statements.append(Statement(stmt, prefix, stmt.lineno, header_end, [header], key, in_main,
                                                 inner=bound_names(blocks)))
                for block in blocks:
                    self.collect(block, prefix, self_class, class_name, in_main or is_main_guard(stmt), guards + (header,))
            else:
                self.statements.append(Statement(stmt, prefix, stmt.lineno, stmt.end_lineno, [stmt], (prefix, code_dump(stmt)), in_main))

    def nested(self, body, prefix, self_class):
        """Inside a function: only the definitions nested in it."""
        for stmt in body:
            if isinstance(stmt, DEFINITIONS):
                definition = self.define(stmt, prefix, self_class if isinstance(stmt, FUNCTIONS) else None, None)
                if definition.kind == "class":
                    self.collect(stmt.body, definition.qualname, definition.qualname, definition.qualname, False)
                else:
                    self.nested(stmt.body, definition.qualname, self_class)
                continue
            for field in ("body", "orelse", "finalbody"):
                if isinstance(getattr(stmt, field, None), list):
                    self.nested(getattr(stmt, field), prefix, self_class)
            for h in (getattr(stmt, "handlers", []) or []) + (getattr(stmt, "cases", []) or []):
                self.nested(h.body, prefix, self_class)

    def resolve_relative(self, module, level):
        if not level:
            return module or ""
        base = self.package.split(".") if self.package else []
        base = base[: max(0, len(base) - (level - 1))]
        return ".".join(base + ([module] if module else []))

    def collect_imports(self):
        for node in walk_statements(self.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.imports[alias.asname] = ("module", alias.name)
                    else:
                        top = alias.name.split(".")[0]
                        self.imports[top] = ("module", top)
            elif isinstance(node, ast.ImportFrom):
                source = self.resolve_relative(node.module, node.level)
                for alias in node.names:
                    if alias.name == "*":
                        self.star_imports.append(source)
                    else:
                        self.imports[alias.asname or alias.name] = ("name", source, alias.name)

    def innermost(self, line):
        found = None
        for definition in self.ordered:
            if definition.start > line:
                break
            if definition.end >= line:
                found = definition  # a later start inside is nested deeper
        return found

    def statement_at(self, line):
        best = None
        for stmt in self.statements:
            if stmt.start <= line <= stmt.end and (best is None or stmt.start >= best.start):
                best = stmt
        return best


class Symbol:
    """A changed function, class (its own lines: header, class attributes), module-level assignment,
    `__all__`, or the rest of a module's top level (`<module>`)."""

    def __init__(self, file, qualname, kind, support):
        self.file = file
        self.qualname = qualname
        self.kind = kind                  # function, class, constant, exports, module
        self.support = support
        self.nodes = {}                   # side -> [nodes whose references count]
        self.whole = {}                   # side -> the definition node (functions and classes)
        self.changed_lines = {"old": set(), "new": set()}
        self.names = set()                # what a constant binds
        self.parent = ""
        self.self_class = None
        self.class_name = None
        self.header_changed = False       # a class added, removed, or with other bases or decorators
        self.order = (0, 0)

    @property
    def name(self):
        return "%s:%s" % (self.file.path, self.qualname)

    @property
    def follows(self):
        """Support, stubs and `__all__` join the changes they reference; they never link two."""
        return self.support or self.kind == "exports" or self.file.stub

    @property
    def sides(self):
        return set(self.nodes)


class File:
    def __init__(self, spec, problems):
        self.path = spec["path"]
        self.old_path = spec.get("old_path") or self.path
        role = spec.get("role")
        self.support = is_support_path(self.path) if role not in ("code", "support") else role == "support"
        self.stub = self.path.endswith(".pyi")  # types only: follows the code it describes
        self.versions = {}
        self.lines = {"old": set(spec.get("deleted_lines") or []), "new": set(spec.get("added_lines") or [])}
        self.failed = False
        for side, key, path in (("old", "old_text", self.old_path), ("new", "new_text", self.path)):
            text = spec.get(key)
            if text is None:
                continue
            try:
                self.versions[side] = Version(path, text)
            except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
                line = getattr(error, "lineno", None)
                where = ": line %d" % line if line else ""
                problems.append("%s (%s)%s: %s" % (path, side, where, getattr(error, "msg", None) or error))
                self.failed = True

    def modules(self):
        return {v.module for v in self.versions.values()}


def references(node, self_name):
    """What `node` refers to: ("name", n), ("self", attr), ("dotted", "a.b.c"), ("attr", attr),
    ("string", s)."""
    out = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name):
            out.add(("name", n.id))
        elif isinstance(n, ast.Attribute):
            chain = []
            value = n
            while isinstance(value, ast.Attribute):
                chain.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name) and len(chain) == 1 and value.id in (self_name, "self", "cls"):
                out.add(("self", n.attr))
                continue
            if isinstance(value, ast.Name):
                out.add(("dotted", ".".join([value.id] + chain[::-1])))
            out.add(("attr", n.attr))
        elif isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value.isidentifier():
            out.add(("string", n.value))
    return out


def dotted_name(node):
    """`a` for a Name, `a.b.c` for an attribute chain on a Name; None otherwise."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id] + parts[::-1])


def self_attributes(node, self_name, lines=None):
    """Attributes of self used in `node` (only those on `lines`, when given): (used, stored)."""
    used, stored = set(), set()
    names = {self_name, "self", "cls"}
    for n in ast.walk(node):
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id in names:
            if lines is None or any(l in lines for l in range(n.lineno, (n.end_lineno or n.lineno) + 1)):
                used.add(n.attr)
                if isinstance(n.ctx, (ast.Store, ast.Del)):
                    stored.add(n.attr)
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in ("setattr", "getattr", "delattr") \
                and len(n.args) >= 2 and isinstance(n.args[0], ast.Name) and n.args[0].id in names \
                and isinstance(n.args[1], ast.Constant) and isinstance(n.args[1].value, str):
            if lines is None or n.lineno in lines:
                used.add(n.args[1].value)
                if n.func.id != "getattr":
                    stored.add(n.args[1].value)
    return used, stored


def class_level_names(node, lines):
    """Names a class body binds on `lines`: assignments, and the strings of `__slots__`."""
    names = set()
    for stmt in node.body if isinstance(node, ast.ClassDef) else []:
        if isinstance(stmt, DEFINITIONS):
            continue
        if not any(l in lines for l in range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1)):
            continue
        bound = assigned_names(stmt) or []
        names.update(bound)
        if "__slots__" in bound:
            for n in ast.walk(stmt.value):
                if isinstance(n, ast.Constant) and isinstance(n.value, str):
                    names.add(n.value)
    return names


class Analysis:
    def __init__(self, request):
        self.problems = []
        self.files = [File(spec, self.problems) for spec in request.get("files", [])
                      if spec.get("path", "").endswith((".py", ".pyi"))]
        self.symbols = {}             # (path, qualname) -> Symbol
        self.links = []               # (a, b): one change
        self.guards = []              # changed headers of compound statements at module level
        self.follows = []             # (follower, code symbol)

    # -- what changed ---------------------------------------------------------------------------

    def symbol(self, file, qualname, kind, support=None):
        key = (file.path, qualname) if kind in ("function", "class") else (file.path, qualname, kind)
        if key not in self.symbols:
            self.symbols[key] = Symbol(file, qualname, kind, file.support if support is None else support)
        return self.symbols[key]

    def find_changes(self):
        for index, file in enumerate(self.files):
            if file.failed:
                continue
            statements = {"old": {}, "new": {}}
            for side, version in file.versions.items():
                for line in sorted(file.lines[side]):
                    definition = version.innermost(line)
                    if definition is not None:
                        # In a function, or on a class's own lines (header, body statements).
                        self.add_definition(file, side, definition, line, index)
                        continue
                    stmt = version.statement_at(line)
                    if stmt is not None:
                        statements[side].setdefault(id(stmt), (stmt, set()))[1].add(line)
                    # else: a blank line or a comment between statements
            self.add_statements(file, statements, index)
        # Definitions whose code is the same in both versions (docstrings, comments, layout) did not change.
        for key, symbol in list(self.symbols.items()):
            if symbol.kind in ("function", "class") and symbol.sides == {"old", "new"}:
                if code_dump(symbol.whole["old"]) == code_dump(symbol.whole["new"]):
                    del self.symbols[key]
            if symbol.kind == "class":
                symbol.header_changed = symbol.sides != {"old", "new"} or \
                    header_dump(symbol.whole["old"]) != header_dump(symbol.whole["new"])
        # The header of an if/try/with/for that changed goes with the changed names its blocks bind;
        # with none, it is a change of the module's own.
        for file, side, stmt, lines, index in self.guards:
            inner = [s for s in self.symbols.values() if s.file is file and not s.parent
                     and (s.qualname in stmt.inner or s.names & stmt.inner)]
            if inner:
                continue
            if stmt.inner & {n for v in file.versions.values() for n in v.imports}:
                continue  # a guarded import (`try: import fast except ImportError: ...`)
            symbol = self.symbol(file, "<main>" if stmt.in_main else "<module>", "module",
                                 support=True if stmt.in_main else None)
            symbol.nodes.setdefault(side, []).extend(stmt.refs)
            symbol.changed_lines[side].update(lines)
            if symbol.order == (0, 0) or side == "new":
                symbol.order = (index, stmt.start)

    def add_definition(self, file, side, definition, line, index):
        symbol = self.symbol(file, definition.qualname, definition.kind)
        symbol.changed_lines[side].add(line)
        symbol.parent = definition.parent
        symbol.self_class = definition.self_class
        symbol.class_name = definition.class_name
        if symbol.order == (0, 0) or side == "new":
            symbol.order = (index, definition.start)
        for s, version in file.versions.items():
            found = version.definitions.get(definition.qualname)
            if found is not None and s not in symbol.whole:
                symbol.whole[s] = found.node
                # A class references through its own code only (bases, decorators, class attributes); a
                # definition under `if HAS_F_STRINGS:` references what its condition does.
                symbol.nodes[s] = [own_node(found.node) if found.kind == "class" else found.node] + found.guards

    def add_statements(self, file, statements, index):
        keys = {side: {s.key for s in v.statements} for side, v in file.versions.items()}
        for side in ("old", "new"):
            other = "new" if side == "old" else "old"
            for stmt, lines in statements[side].values():
                if other in keys and stmt.key in keys[other]:
                    continue  # the same statement is in the other version: moved or re-wrapped
                node = stmt.node
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    continue  # not a change of its own: see the module documentation
                if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                    continue  # a docstring or a bare literal
                if isinstance(node, (ast.Pass, ast.Global, ast.Nonlocal)) or \
                        isinstance(node, ast.AnnAssign) and node.value is None:
                    continue  # nothing, or a bare annotation
                if stmt.inner is not None:
                    self.guards.append((file, side, stmt, lines, index))
                    continue
                names = assigned_names(node)
                if names and all(is_dunder(n) for n in names):
                    if "__all__" not in names:
                        continue  # __version__ and friends: metadata
                    symbol = self.symbol(file, "__all__", "exports")
                elif names and not stmt.in_main:
                    symbol = self.symbol(file, ", ".join(sorted(set(names))), "constant")
                    symbol.names.update(names)
                else:
                    # Code run at import time; under `if __name__ == "__main__":` it is a demo or a test.
                    symbol = self.symbol(file, "<main>" if stmt.in_main else "<module>", "module",
                                         support=True if stmt.in_main else None)
                symbol.nodes.setdefault(side, []).extend(stmt.refs)
                symbol.changed_lines[side].update(lines)
                if symbol.order == (0, 0) or side == "new":
                    symbol.order = (index, stmt.start)

    # -- references -----------------------------------------------------------------------------

    def index(self):
        self.top_level = {}     # (path, name) -> [Symbol]: changed top-level definitions and constants
        self.members = {}       # member name -> [Symbol]: changed methods and classes binding the name
        self.modules = {}       # dotted module -> File
        for file in sorted(self.files, key=lambda f: f.stub):  # a module is its .py rather than its stub
            for module in file.modules():
                self.modules.setdefault(module, file)
        for symbol in self.symbols.values():
            # A class's name means its header, and calling it means its constructor; its other members
            # are reached through attributes.
            if symbol.kind == "function" and not symbol.parent or symbol.kind == "class" and not symbol.parent \
                    and symbol.header_changed:
                self.top_level.setdefault((symbol.file.path, symbol.qualname), []).append(symbol)
            if symbol.class_name and "." not in symbol.class_name and \
                    symbol.qualname.rpartition(".")[2] in ("__init__", "__new__", "__post_init__"):
                self.top_level.setdefault((symbol.file.path, symbol.class_name), []).append(symbol)
            if symbol.kind == "constant":
                for name in symbol.names:
                    self.top_level.setdefault((symbol.file.path, name), []).append(symbol)
            if symbol.class_name:
                self.members.setdefault(symbol.qualname.rpartition(".")[2], []).append(symbol)
            if symbol.kind == "class":
                # The class attributes it binds on its changed lines.
                for side, node in symbol.whole.items():
                    for name in class_level_names(node, symbol.changed_lines[side]):
                        if symbol not in self.members.get(name, []):
                            self.members.setdefault(name, []).append(symbol)
        # Inheritance among the classes of the changed files, by the bases' last names.
        self.bases = {}
        for file in self.files:
            for version in file.versions.values():
                for definition in version.definitions.values():
                    if definition.kind == "class":
                        names = self.bases.setdefault((file.path, definition.qualname), set())
                        for base in definition.node.bases:
                            if isinstance(base, ast.Name):
                                names.add(base.id)
                            elif isinstance(base, ast.Attribute):
                                names.add(base.attr)
        self.families = {}

    def family(self, path, class_qual):
        """The classes of the changed files related to `class_qual` by inheritance, itself included."""
        key = (path, class_qual)
        if key in self.families:
            return self.families[key]
        family = {key}
        grew = True
        while grew:
            grew = False
            short = {k[1].rpartition(".")[2] for k in family}
            for other, bases in self.bases.items():
                if other in family:
                    continue
                if bases & short or any(other[1].rpartition(".")[2] in self.bases.get(k, ()) for k in family):
                    family.add(other)
                    grew = True
        self.families[key] = family
        return family

    def package_files(self, dotted):
        top = dotted.split(".")[0]
        return [f for f in self.files if any(m == top or m.startswith(top + ".") for m in f.modules())]

    def top_named(self, files, name):
        found = []
        for f in files:
            found += self.top_level.get((f.path, name), [])
        return found

    def in_module(self, dotted, rest):
        """What `rest` (a list of names) means in the module `dotted`: a changed top-level definition, or
        a member of a changed class (`Class.method`)."""
        target = self.modules.get(dotted)
        if target is not None:
            found = list(self.top_level.get((target.path, rest[0]), []))
            if len(rest) >= 2:
                found += [s for s in self.members.get(rest[1], []) if s.file is target
                          and (s.class_name == rest[0] or s.qualname == rest[0])]
            return found, True
        return [], False

    def targets(self, symbol, side, reference):
        """The changed symbols `reference` (made in `symbol`'s `side` version) may mean."""
        kind, value = reference
        file = symbol.file
        version = file.versions.get(side)
        if version is None:
            return []
        if kind == "name":
            found = list(self.top_level.get((file.path, value), []))
            imported = version.imports.get(value)
            if imported and imported[0] == "name":
                _, source, name = imported
                more, known = self.in_module(source, [name])
                if not more:
                    # `from pkg import f` with f defined in a changed pkg/core.py
                    more = self.top_named(self.package_files(source), name) if source else []
                found += more
            if not found and not imported:
                for source in version.star_imports:
                    found += self.top_named(self.package_files(source), value)
            return found
        if kind == "dotted":
            parts = value.split(".")
            head = version.imports.get(parts[0])
            if head is None:
                if parts[0] in version.definitions and len(parts) >= 2:  # Class.member in this file
                    found, _ = self.in_module(version.module, parts[:2])
                    return found
                return []
            dotted = [head[1]] + parts[1:] if head[0] == "module" else [p for p in (head[1], head[2]) if p] + parts[1:]
            for cut in range(len(dotted) - 1, 0, -1):
                found, known = self.in_module(".".join(dotted[:cut]), dotted[cut:])
                if known:
                    return found
            return self.top_named(self.package_files(dotted[0]), dotted[1]) if len(dotted) >= 2 else []
        if kind == "self":
            if not symbol.self_class and symbol.kind != "class":
                return []
            family = self.family(file.path, symbol.self_class or symbol.qualname)
            return [s for s in self.members.get(value, [])
                    if (s.file.path, s.class_name or s.qualname) in family]
        if kind == "attr":
            return [] if value in BUILTIN_ATTRIBUTES else list(self.members.get(value, []))
        if kind == "string" and symbol.kind == "exports":
            return list(self.top_level.get((file.path, value), []))
        return []

    def connect(self, a, b):
        if a.follows or b.follows:
            follower, leader = (a, b) if a.follows else (b, a)
            if not leader.follows:
                self.follows.append((follower, leader))
            return
        self.links.append((a, b))

    def link_references(self):
        for symbol in list(self.symbols.values()):
            for side, nodes in symbol.nodes.items():
                self_name = first_parameter(symbol.whole.get(side)) if symbol.class_name else None
                refs = set()
                for node in nodes:
                    refs |= references(node, self_name)
                for reference in refs:
                    for target in self.targets(symbol, side, reference):
                        if target is not symbol:
                            self.connect(symbol, target)

    def link_containment(self):
        """A nested function is part of the function around it; a class or function added or removed
        whole is one change with everything in it."""
        for symbol in self.symbols.values():
            parent = symbol.parent
            while parent:
                outer = self.symbols.get((symbol.file.path, parent))
                if outer is not None and (outer.kind == "function" or outer.header_changed):
                    self.connect(symbol, outer)
                    break
                parent = parent.rpartition(".")[0]

    def link_one_idea(self):
        """Members of one class are one change when one introduces, retires or assigns an attribute of
        self on its changed lines, and the other uses that attribute on its changed lines."""
        members = {}
        for symbol in self.symbols.values():
            owner = symbol.class_name or (symbol.qualname if symbol.kind == "class" else None)
            if owner and not symbol.follows:
                members.setdefault((symbol.file.path, owner), []).append(symbol)
        for group in members.values():
            if len(group) < 2:
                continue
            facts = []
            for symbol in group:
                touched, defining, whole = set(), set(), {}
                for side, node in symbol.whole.items():
                    lines = symbol.changed_lines[side]
                    if symbol.kind == "class":
                        names = class_level_names(node, lines)
                        touched |= names
                        defining |= names
                        whole[side] = class_level_names(node, set(range(node.lineno, node.end_lineno + 1)))
                    else:
                        self_name = first_parameter(node)
                        used, stored = self_attributes(node, self_name, lines)
                        touched |= used
                        defining |= stored
                        whole[side] = self_attributes(node, self_name)[0]
                defining |= whole.get("old", set()) ^ whole.get("new", set())
                if symbol.kind == "function" and len(symbol.sides) == 1:
                    # A method added or removed is an attribute introduced or retired (a property, a
                    # cached value computed on first use).
                    name = symbol.qualname.rpartition(".")[2]
                    touched.add(name)
                    defining.add(name)
                facts.append((symbol, touched, defining))
            for i, (a, touched_a, defining_a) in enumerate(facts):
                for b, touched_b, defining_b in facts[i + 1:]:
                    if (defining_a & touched_b) or (defining_b & touched_a):
                        self.links.append((a, b))

    def link_renames(self):
        """A definition removed and one added are a rename or a move: the same name in another file, or
        the same place (enclosing class or module) and similar code."""
        removed = [s for s in self.symbols.values() if s.kind in ("function", "class") and s.sides == {"old"}]
        added = [s for s in self.symbols.values() if s.kind in ("function", "class") and s.sides == {"new"}]
        for old in removed:
            for new in added:
                if old.kind != new.kind or old.follows or new.follows:
                    continue
                old_name, new_name = old.qualname.rpartition(".")[2], new.qualname.rpartition(".")[2]
                if old_name == new_name and old.file is not new.file:
                    self.links.append((old, new))
                elif old.file is new.file and old.parent == new.parent:
                    a = code_dump(old.whole["old"]).replace("'%s'" % old_name, "'<name>'", 1)
                    b = code_dump(new.whole["new"]).replace("'%s'" % new_name, "'<name>'", 1)
                    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
                    if matcher.quick_ratio() >= 0.6 and matcher.ratio() >= 0.6:
                        self.links.append((old, new))

    def link_shared_globals(self):
        """One idea in a module, the module-level twin of the class rule: two changed symbols of one file
        are one change when one starts or stops using a name the module defines (`_obj_setattr`,
        `_ATOMIC_TYPES`, a helper) on its changed lines, and the other uses that name on its changed
        lines. Imports and builtins do not count: two functions that both start using `re` may well be
        two ideas."""
        facts = []
        for symbol in self.symbols.values():
            if symbol.follows or symbol.kind not in ("function", "class"):
                continue
            module_names = set()
            for version in symbol.file.versions.values():
                module_names |= version.globals
            module_names.discard(symbol.qualname.split(".")[0])
            touched, whole = set(), {}
            for side, nodes in symbol.nodes.items():
                lines = symbol.changed_lines[side]
                everything = set()
                for node in nodes:
                    for n in ast.walk(node):
                        name = dotted_name(n)
                        if name is None or name.split(".")[0] not in module_names:
                            continue
                        everything.add(name)
                        if getattr(n, "lineno", None) in lines:
                            touched.add(name)
                whole[side] = everything
            introduced = touched & (whole.get("old", set()) ^ whole.get("new", set()))
            if symbol.sides != {"old", "new"}:
                introduced = touched
            facts.append((symbol, touched, introduced))
        # A symbol that introduces a name is one change with every symbol of its file that touches it.
        # For the groups it is enough to link those to the first symbol introducing the name, by an
        # index of names, instead of testing every pair of symbols (quadratic in a big change).
        touching, introducing = {}, {}
        for symbol, touched, introduced in facts:
            for name in touched:
                touching.setdefault((id(symbol.file), name), []).append(symbol)
            for name in introduced:
                introducing.setdefault((id(symbol.file), name), symbol)
        for key, first in introducing.items():
            self.links.extend((first, other) for other in touching[key] if other is not first)

    def link_stubs(self):
        """A stub's definition follows the definition it describes (same module, same name)."""
        for stub in self.symbols.values():
            if not stub.file.stub:
                continue
            for symbol in self.symbols.values():
                if not symbol.file.stub and symbol.qualname == stub.qualname \
                        and symbol.file.modules() & stub.file.modules():
                    self.follows.append((stub, symbol))

    def link_aliases(self):
        """`a = b` or `a.__doc__ = b.__doc__` at module level, changed or not, says a and b are one thing
        (a fallback and the fast version of it): changing both is one change."""
        for file in self.files:
            pairs = set()
            for version in file.versions.values():
                for stmt in version.statements:
                    node = stmt.node
                    if not isinstance(node, ast.Assign) or len(node.targets) != 1 or stmt.container:
                        continue
                    ends = []
                    for part in (node.targets[0], node.value):
                        while isinstance(part, ast.Attribute):
                            part = part.value
                        ends.append(part.id if isinstance(part, ast.Name) else None)
                    if None not in ends and ends[0] != ends[1]:
                        pairs.add(tuple(ends))
            for a, b in pairs:
                for x in self.top_level.get((file.path, a), []):
                    for y in self.top_level.get((file.path, b), []):
                        if x is not y:
                            self.connect(x, y)

    def link_parallel_edits(self):
        """The same edit made in several definitions is one idea applied in several places: two changed
        symbols whose changed lines share at least two lines (of two words or more), and at least half
        of the smaller one's, are one change."""
        edits = []
        for symbol in self.symbols.values():
            if symbol.follows:
                continue
            lines = set()
            for side, numbers in symbol.changed_lines.items():
                version = symbol.file.versions.get(side)
                for number in numbers:
                    if version is not None and 0 < number <= len(version.lines):
                        text = edit_line(version.lines[number - 1])
                        if text is not None:
                            lines.add(("-" if side == "old" else "+") + text)
            if lines:
                edits.append((symbol, lines))
        # Links only make groups (connected components), so symbols with the same edits are linked to
        # the first of them, and distinct sets of edits are compared through the lines they share: every
        # pair of symbols was compared, and ten thousand definitions given one edit took minutes.
        kinds = {}
        for symbol, lines in edits:
            kinds.setdefault(frozenset(lines), []).append(symbol)
        kinds = list(kinds.items())
        holders = {}
        for index, (lines, members) in enumerate(kinds):
            if len(lines) >= 2:
                self.links.extend((members[0], other) for other in members[1:])
            for line in lines:
                holders.setdefault(line, []).append(index)
        for i, (lines_a, members_a) in enumerate(kinds):
            shared = {}
            for line in lines_a:
                for j in holders[line]:
                    if j > i:
                        shared[j] = shared.get(j, 0) + 1
            for j, count in shared.items():
                lines_b, members_b = kinds[j]
                if count >= 2 and 2 * count >= min(len(lines_a), len(lines_b)):
                    self.links.append((members_a[0], members_b[0]))

    # -- groups ---------------------------------------------------------------------------------

    def run(self):
        self.find_changes()
        self.index()
        self.link_references()
        self.link_containment()
        self.link_one_idea()
        self.link_renames()
        self.link_stubs()
        self.link_aliases()
        self.link_parallel_edits()
        self.link_shared_globals()
        code = [s for s in self.symbols.values() if not s.follows]
        parent = {id(s): id(s) for s in code}

        def find(x):
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for a, b in self.links:
            parent[find(id(a))] = find(id(b))
        components = {}
        for s in sorted(code, key=lambda s: (s.order, s.qualname)):
            components.setdefault(find(id(s)), []).append(s)
        followers, attached = {}, set()
        for follower, leader in self.follows:
            followers.setdefault(find(id(leader)), set()).add(follower.name)
            attached.add(id(follower))
        groups = [{"symbols": [m.name for m in members],
                   "support": sorted(followers.get(root, ())),
                   "label": label(members)}
                  for root, members in components.items()]
        return {
            "groups": groups,
            "unattached": sorted(s.name for s in self.symbols.values() if s.follows and id(s) not in attached),
            "problems": self.problems,
            "fallback": any(f.failed for f in self.files),
        }


def label(members):
    """A group's short name: its definitions (else its other symbols) in order, at most three."""
    names = [m.qualname for m in members if m.kind in ("function", "class")] or [m.qualname for m in members]
    shown = ", ".join(names[:3])
    return shown + (" +%d more" % (len(names) - 3) if len(names) > 3 else "")


def analyse(request):
    return Analysis(request).run()


def main():
    sys.setrecursionlimit(10000)
    request = json.load(sys.stdin)
    if isinstance(request, dict) and "commits" in request:
        answer = {"commits": [analyse(c) for c in request["commits"]]}
    else:
        answer = analyse(request)
    json.dump(answer, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
