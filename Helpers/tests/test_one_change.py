"""The grouping rule of Helpers/one_change.py, on the shapes issue 14 names: what must pass as one
change, and what must be refused as bundled."""

import ast
import copy
import difflib
import json
import os
import subprocess
import sys
import sysconfig
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import one_change  # noqa: E402


def changed_lines(old, new):
    """Deleted (old) and added (new) line numbers, as `git diff -U0` reports them."""
    deleted, added = [], []
    matcher = difflib.SequenceMatcher(None, (old or "").splitlines(), (new or "").splitlines(), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            deleted += range(i1 + 1, i2 + 1)
        if tag in ("replace", "insert"):
            added += range(j1 + 1, j2 + 1)
    return deleted, added


def commit(*files):
    """files: (path, old, new); texts are dedented, None for a missing side."""
    specs = []
    for path, old, new in files:
        old = textwrap.dedent(old) if old is not None else None
        new = textwrap.dedent(new) if new is not None else None
        deleted, added = changed_lines(old, new)
        specs.append({"path": path, "old_text": old, "new_text": new, "deleted_lines": deleted, "added_lines": added})
    return one_change.analyse({"files": specs})


def labels(result):
    return [g["label"] for g in result["groups"]]


# -- the shapes that are one change ------------------------------------------------------------------

def test_a_helper_and_its_only_caller():
    old = """
        def normalize(text):
            out = ""
            for word in text.split():
                out += word.lower() + " "
            return out.strip()
        """
    new = """
        def _lower_words(text):
            return [word.lower() for word in text.split()]


        def normalize(text):
            return " ".join(_lower_words(text))
        """
    result = commit(("fastlib/text.py", old, new))
    assert len(result["groups"]) == 1, result
    assert sorted(result["groups"][0]["symbols"]) == ["fastlib/text.py:_lower_words", "fastlib/text.py:normalize"]
    assert not result["fallback"]


def test_a_helper_in_another_file_imported_by_its_caller():
    result = commit(
        ("fastlib/_util.py", "", """
            def lower_words(text):
                return [word.lower() for word in text.split()]
            """),
        ("fastlib/text.py", """
            def normalize(text):
                return " ".join(w.lower() for w in text.split())
            """, """
            from ._util import lower_words


            def normalize(text):
                return " ".join(lower_words(text))
            """),
    )
    assert labels(result) == ["lower_words, normalize"], result


def test_a_function_with_its_test_and_benchmark():
    result = commit(
        ("fastlib/words.py", """
            def count_words(text):
                counts = {}
                for word in text.split():
                    counts[word] = counts.get(word, 0) + 1
                return counts
            """, """
            from collections import Counter


            def count_words(text):
                return Counter(text.split())
            """),
        ("tests/test_words.py", """
            from fastlib.words import count_words


            def test_counts():
                assert count_words("a b a") == {"a": 2, "b": 1}
            """, """
            from fastlib.words import count_words


            def test_counts():
                assert count_words("a b a") == {"a": 2, "b": 1}


            def test_empty():
                assert count_words("") == {}
            """),
        ("benchmarks/bench_words.py", None, """
            import fastlib.words as words


            def test_count_words(benchmark):
                benchmark(words.count_words, "a b " * 1000)
            """),
    )
    assert len(result["groups"]) == 1, result
    group = result["groups"][0]
    assert group["symbols"] == ["fastlib/words.py:count_words"]
    assert group["support"] == ["benchmarks/bench_words.py:test_count_words", "tests/test_words.py:test_empty"]
    assert result["unattached"] == []


def test_a_rename_with_its_call_sites():
    result = commit(
        ("fastlib/core.py", """
            def dedup(items):
                seen = set()
                return [x for x in items if not (x in seen or seen.add(x))]


            def unique_words(text):
                return dedup(text.split())
            """, """
            def dedupe(items):
                return list(dict.fromkeys(items))


            def unique_words(text):
                return dedupe(text.split())
            """),
        ("fastlib/cli.py", """
            from .core import dedup


            def main(argv):
                print(dedup(argv))
            """, """
            from .core import dedupe


            def main(argv):
                print(dedupe(argv))
            """),
    )
    assert len(result["groups"]) == 1, result
    assert sorted(result["groups"][0]["symbols"]) == [
        "fastlib/cli.py:main", "fastlib/core.py:dedup", "fastlib/core.py:dedupe", "fastlib/core.py:unique_words"]


def test_a_rename_with_no_call_site_in_the_commit():
    result = commit(("fastlib/core.py", """
        def dedup(items):
            seen = set()
            out = []
            for x in items:
                if x not in seen:
                    seen.add(x)
                    out.append(x)
            return out
        """, """
        def dedupe(items):
            seen = set()
            out = []
            for x in items:
                if x not in seen:
                    seen.add(x)
                    out.append(x)
            return out
        """))
    assert len(result["groups"]) == 1, result


def test_a_signature_change_with_its_callers():
    result = commit(
        ("fastlib/parse.py", """
            def parse(data):
                return data.decode("utf-8").split(",")


            def parse_all(chunks):
                return [parse(c) for c in chunks]
            """, """
            def parse(data, encoding="utf-8", sep=","):
                return data.decode(encoding).split(sep)


            def parse_all(chunks):
                return [parse(c, "latin-1") for c in chunks]
            """),
        ("fastlib/io.py", """
            from fastlib import parse as p


            def read(path):
                with open(path, "rb") as f:
                    return p.parse(f.read())
            """, """
            from fastlib import parse as p


            def read(path):
                with open(path, "rb") as f:
                    return p.parse(f.read(), sep=";")
            """),
    )
    assert len(result["groups"]) == 1, result
    assert len(result["groups"][0]["symbols"]) == 3


def test_methods_of_a_class_that_introduce_and_use_one_attribute():
    result = commit(("fastlib/cache.py", """
        class Lookup:
            def __init__(self, table):
                self.table = table

            def find(self, key):
                for k, v in self.table:
                    if k == key:
                        return v
        """, """
        class Lookup:
            def __init__(self, table):
                self.table = table
                self._index = dict(table)

            def find(self, key):
                return self._index.get(key)
        """))
    assert len(result["groups"]) == 1, result
    assert result["groups"][0]["label"] == "Lookup.__init__, Lookup.find"


def test_a_method_and_the_helper_it_calls_through_self():
    result = commit(("fastlib/cache.py", """
        class Lookup:
            def find(self, key):
                return self.table.get(key)

            def _hash(self, key):
                return hash(key)
        """, """
        class Lookup:
            def find(self, key):
                return self.table.get(self._hash(key))

            def _hash(self, key):
                return hash(key) & 0xFFFF
        """))
    assert len(result["groups"]) == 1, result


def test_a_constant_and_the_function_that_uses_it():
    result = commit(("fastlib/text.py", """
        import re


        def squash(text):
            return re.sub(r"\\s+", " ", text)
        """, """
        import re

        _SPACES = re.compile(r"\\s+")


        def squash(text):
            return _SPACES.sub(" ", text)
        """))
    assert labels(result) == ["squash"], result


def test_docstrings_comments_and_version_do_not_count():
    result = commit(("fastlib/__init__.py", """
        __version__ = "1.0"


        def slow(x):
            \"\"\"Slow.\"\"\"
            return sorted(x)[0]


        def other(y):
            # a comment
            return y
        """, """
        __version__ = "1.1"


        def slow(x):
            \"\"\"Fast now.\"\"\"
            return min(x)


        def other(y):
            # a better comment
            return (
                y
            )
        """))
    assert labels(result) == ["slow"], result


def test_a_test_that_references_nothing_changed_is_not_a_change():
    result = commit(
        ("fastlib/words.py", "def count(t):\n    return len(t.split())\n", "def count(t):\n    return t.count(' ') + 1\n"),
        ("tests/test_misc.py", "def test_a():\n    assert 1\n", "def test_a():\n    assert 1\n\n\ndef test_b():\n    assert 2\n"),
    )
    assert labels(result) == ["count"]
    assert result["unattached"] == ["tests/test_misc.py:test_b"]


def test_a_new_class_with_its_methods_is_one_change():
    result = commit(("fastlib/pool.py", "", """
        class Pool:
            size = 8

            def __init__(self):
                self.free = []

            def take(self):
                return self.free.pop() if self.free else bytearray(1024)

            def give(self, buffer):
                self.free.append(buffer)
        """))
    assert len(result["groups"]) == 1, result


# -- the shapes that are bundled -----------------------------------------------------------------------

WORDS_OLD = """
    def count_words(text):
        counts = {}
        for word in text.split():
            counts[word] = counts.get(word, 0) + 1
        return counts
    """
WORDS_NEW = """
    from collections import Counter


    def count_words(text):
        return Counter(text.split())
    """
TEXT_OLD = """
    def normalize(words):
        out = ""
        for word in words:
            out += word.strip().lower() + " "
        return out[:-1]
    """
TEXT_NEW = """
    def normalize(words):
        return " ".join(word.strip().lower() for word in words)
    """


def test_count_words_with_counter_and_join_in_normalize_is_bundled():
    result = commit(("fastlib/words.py", WORDS_OLD, WORDS_NEW), ("fastlib/text.py", TEXT_OLD, TEXT_NEW))
    assert labels(result) == ["count_words", "normalize"], result


def test_bundled_even_with_their_tests():
    test_old = "from fastlib.words import count_words\nfrom fastlib.text import normalize\n\n\ndef test_x():\n    pass\n"
    test_new = test_old + "\n\ndef test_both():\n    assert normalize(count_words('a a'))\n"
    result = commit(("fastlib/words.py", WORDS_OLD, WORDS_NEW), ("fastlib/text.py", TEXT_OLD, TEXT_NEW),
                    ("tests/test_fastlib.py", test_old, test_new))
    # A test of both does not make them one change.
    assert labels(result) == ["count_words", "normalize"], result
    assert all(g["support"] == ["tests/test_fastlib.py:test_both"] for g in result["groups"])


def test_two_unrelated_functions_of_one_module_are_bundled():
    old = """
        def dedupe(items):
            out = []
            for x in items:
                if x not in out:
                    out.append(x)
            return out


        def count_words(text):
            counts = {}
            for word in text.split():
                counts[word] = counts.get(word, 0) + 1
            return counts
        """
    new = """
        from collections import Counter


        def dedupe(items):
            return list(dict.fromkeys(items))


        def count_words(text):
            return Counter(text.split())
        """
    result = commit(("fastlib/core.py", old, new))
    assert labels(result) == ["dedupe", "count_words"], result


def test_two_methods_that_merely_share_an_attribute_are_bundled():
    result = commit(("fastlib/store.py", """
        class Store:
            def get(self, key):
                for k, v in self.items:
                    if k == key:
                        return v

            def size(self):
                n = 0
                for _ in self.items:
                    n += 1
                return n
        """, """
        class Store:
            def get(self, key):
                return next((v for k, v in self.items if k == key), None)

            def size(self):
                return len(self.items)
        """))
    assert len(result["groups"]) == 2, result


def test_a_module_level_change_beside_a_function_is_bundled():
    result = commit(("fastlib/core.py", """
        import sys

        sys.setrecursionlimit(1000)


        def f(x):
            return sorted(x)[0]
        """, """
        import sys

        sys.setrecursionlimit(5000)


        def f(x):
            return min(x)
        """))
    assert labels(result) == ["<module>", "f"], result


# -- problems ------------------------------------------------------------------------------------------

def test_a_syntax_error_asks_for_the_fallback():
    result = commit(("fastlib/core.py", "def f(:\n    pass\n", "def f():\n    pass\n"))
    assert result["fallback"]
    assert result["problems"] and result["problems"][0].startswith("fastlib/core.py (old): line 1")


def test_the_command_line_reads_one_commit_or_several():
    request = {"files": [{"path": "a.py", "old_text": "def f():\n    return 1\n", "new_text": "def f():\n    return 2\n",
                          "deleted_lines": [2], "added_lines": [2]}]}
    script = os.path.join(os.path.dirname(HERE), "one_change.py")
    one = subprocess.run([sys.executable, "-I", script], input=json.dumps(request), capture_output=True, text=True, check=True)
    assert json.loads(one.stdout)["groups"][0]["symbols"] == ["a.py:f"]
    many = subprocess.run([sys.executable, "-I", script], input=json.dumps({"commits": [request, {"files": []}]}),
                          capture_output=True, text=True, check=True)
    answers = json.loads(many.stdout)["commits"]
    assert [len(a["groups"]) for a in answers] == [1, 0]


# -- refinements found on real history (Tests/Fixtures/one-change/real-history.json) ----------------

def test_the_same_edit_in_several_functions_is_one_idea():
    body = """
        def split_{0}(iterable, pred, maxsplit=-1):
            buf = []
            for item in iterable:
                if pred(item) and maxsplit != 0:
                    yield buf
                    buf = []
                    maxsplit -= 1
                buf.append(item)
            yield buf
        """
    fast = """
        def split_{0}(iterable, pred, maxsplit=-1):
            if maxsplit == 0:
                yield list(iterable)
                return
            buf = []
            it = iter(iterable)
            for item in it:
                if pred(item):
                    yield buf
                    if maxsplit == 1:
                        yield list(it)
                        return
                    buf = []
                    maxsplit -= 1
                buf.append(item)
            yield buf
        """
    old = "\n\n".join(textwrap.dedent(body).format(n) for n in ("at", "before"))
    new = "\n\n".join(textwrap.dedent(fast).format(n) for n in ("at", "before"))
    result = commit(("pkg/more.py", old, new))
    assert labels(result) == ["split_at, split_before"], result


def test_a_function_and_its_alias_fallback_are_one_thing():
    result = commit(("pkg/recipes.py", """
        def _pairwise(iterable):
            a, b = tee(iterable)
            next(b, None)
            yield from zip(a, b)

        try:
            from itertools import pairwise as itertools_pairwise
        except ImportError:
            pairwise = _pairwise
        else:
            def pairwise(iterable):
                yield from itertools_pairwise(iterable)
            pairwise.__doc__ = _pairwise.__doc__
        """, """
        def _pairwise(iterable):
            a, b = tee(iterable)
            next(b, None)
            return zip(a, b)

        try:
            from itertools import pairwise as itertools_pairwise
        except ImportError:
            pairwise = _pairwise
        else:
            def pairwise(iterable):
                return itertools_pairwise(iterable)
            pairwise.__doc__ = _pairwise.__doc__
        """))
    assert labels(result) == ["_pairwise, pairwise"], result


def test_stubs_follow_the_code_they_describe():
    result = commit(
        ("pkg/recipes.py", "def factor(n):\n    return list(range(n))\n",
         "def _trial(n):\n    return range(n)\n\n\ndef factor(n):\n    return list(_trial(n))\n"),
        ("pkg/recipes.pyi", "def factor(n: int) -> list[int]: ...\n",
         "def _trial(n: int) -> range: ...\ndef factor(n: int) -> list[int]: ...\n"),
    )
    assert labels(result) == ["_trial, factor"], result
    assert result["groups"][0]["support"] == ["pkg/recipes.pyi:_trial"]


def test_annotations_are_not_behaviour():
    result = commit(("pkg/results.py", """
        class Results:
            def __bool__(self):
                return not not self.items or not not self.names

            def __iter__(self):
                return iter(self.items)
        """, """
        class Results:
            tokens: list

            def __bool__(self) -> bool:
                return not not (self.items or self.names)

            def __iter__(self) -> Iterator:
                return iter(self.items)
        """))
    assert labels(result) == ["Results.__bool__"], result


def test_calling_a_class_reaches_its_constructor():
    result = commit(
        ("pkg/core.py", """
            class Regex:
                def __init__(self, pattern):
                    self.re = compile(pattern)
            """, """
            class Regex:
                def __init__(self, pattern):
                    self.re = None
                    self.pattern = pattern
            """),
        ("pkg/helpers.py", "from .core import Regex\n\nentity = Regex('&(a|b);')\n",
         "from .core import Regex\n\nentity = Regex(lambda: '&(a|b);')\n"),
    )
    assert labels(result) == ["Regex.__init__"], result


def test_a_class_with_new_bases_is_one_change_with_its_members():
    result = commit(("pkg/core.py", """
        class Token:
            pass


        class Literal(Token):
            pass


        class Empty(Token):
            def __init__(self):
                self.empty = True
        """, """
        class Token:
            pass


        class Literal(Token):
            pass


        class Empty(Literal):
            def __init__(self, match=""):
                super().__init__("")
                self.empty = True

            def name(self):
                return "Empty"
        """))
    assert labels(result) == ["Empty, Empty.__init__, Empty.name"], result


def test_a_guarded_definition_goes_with_what_it_guards():
    result = commit(("pkg/core.py", """
        import sys


        class Regex:
            def __init__(self, pattern):
                self.re = compile(pattern)
        """, """
        import sys

        if sys.version_info >= (3, 8):
            from functools import cached_property
        else:
            class cached_property:
                def __init__(self, func):
                    self.func = func


        class Regex:
            def __init__(self, pattern):
                self.pattern = pattern

            @cached_property
            def re(self):
                return compile(self.pattern)
        """))
    assert len(result["groups"]) == 1, result


def test_a_definition_under_a_condition_references_the_condition():
    result = commit(
        ("pkg/_compat.py", "import sys\n\nPY2 = sys.version_info[0] == 2\n",
         "import sys\n\nPY2 = sys.version_info[0] == 2\nHAS_F_STRINGS = sys.version_info[:2] >= (3, 6)\n"),
        ("pkg/_make.py", """
            def _make_repr(attrs):
                return lambda self: "%s(...)" % type(self).__name__
            """, """
            from ._compat import HAS_F_STRINGS

            if HAS_F_STRINGS:
                def _make_repr(attrs):
                    return lambda self: f"{type(self).__name__}(...)"
            else:
                def _make_repr(attrs):
                    return lambda self: "%s(...)" % type(self).__name__
            """),
    )
    assert len(result["groups"]) == 1, result


def test_one_idea_in_a_module_a_shared_helper_put_to_use():
    old = """
        _obj_setattr = object.__setattr__


        class Builder:
            def patch(self, cls):
                cls.__setattr__ = object.__setattr__

            def slots(self, cd):
                cd["__setattr__"] = object.__setattr__


        def make_init(globs):
            globs["_cached_setattr"] = _obj_setattr
        """
    new = """
        _obj_setattr = object.__setattr__


        class Builder:
            def patch(self, cls):
                cls.__setattr__ = _obj_setattr

            def slots(self, cd):
                cd["__setattr__"] = _obj_setattr


        def make_init(globs):
            globs["_setattr"] = _obj_setattr
        """
    result = commit(("pkg/_make.py", old, new))
    assert len(result["groups"]) == 1, result


def test_two_functions_that_merely_both_use_a_module_name_are_two_changes():
    old = """
        _SEP = ","


        def split(s):
            return s.split(_SEP)


        def join(xs):
            return _SEP.join(xs)
        """
    new = """
        _SEP = ","


        def split(s):
            return s.split(_SEP, 64)


        def join(xs):
            return _SEP.join(list(xs))
        """
    result = commit(("pkg/text.py", old, new))
    assert labels(result) == ["split", "join"], result


# -- code_dump and walk_statements against the straightforward way, on real source --------------------

class StripAnnotations(ast.NodeTransformer):
    """The reference: annotations removed from a deep copy, as code_dump did before its one-pass copy."""

    def visit_arg(self, n):
        n.annotation = None
        return n

    def visit_FunctionDef(self, n):
        n.returns = None
        return self.generic_visit(n)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_AnnAssign(self, n):
        if n.value is None:
            return None
        return ast.Assign(targets=[n.target], value=self.visit(n.value), lineno=n.lineno)


def reference_dump(node):
    tree = one_change.own_node(node) if isinstance(node, one_change.DEFINITIONS) else copy.deepcopy(node)
    return one_change.dump(StripAnnotations().visit(ast.Module(body=[tree], type_ignores=[])))


# Real modules with classes, dataclass fields, annotations, nested functions, try/except, match.
REAL_SOURCES = ["dataclasses", "typing", "json/decoder", "argparse", "asyncio/base_events", "ast"]


def real_trees():
    stdlib = sysconfig.get_paths()["stdlib"]
    paths = [os.path.join(stdlib, name + ".py") for name in REAL_SOURCES] + [one_change.__file__]
    for path in paths:
        with open(path, encoding="utf-8") as f:
            yield path, ast.parse(f.read())


def test_code_dump_gives_the_text_of_annotations_stripped_from_a_deep_copy():
    checked = 0
    for path, tree in real_trees():
        for node in ast.walk(tree):
            if isinstance(node, one_change.DEFINITIONS) or (isinstance(node, ast.stmt) and node in tree.body):
                assert one_change.code_dump(node) == reference_dump(node), (path, node.lineno)
                checked += 1
    assert checked > 1000


def test_walk_statements_yields_the_statements_of_ast_walk_in_its_order():
    for path, tree in real_trees():
        expected = [n for n in ast.walk(tree) if isinstance(n, ast.stmt)]
        assert list(one_change.walk_statements(tree)) == expected, path
