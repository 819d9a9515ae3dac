"""pytest plugin loaded by `perfjournal run` (with `-p perfjournal_profile`) next to pytest-benchmark's
`--benchmark-cprofile-dump`.

pytest-benchmark records neither the profiled loop count nor any memory figure, and names its dumps by the
test's short name, so two modules' `test_x` would overwrite each other's dump. For every benchmark this
plugin appends one JSON line to the file named by PERFJOURNAL_PROFILE_MANIFEST:
{"name": fullname, "dump": a per-benchmark copy of the dump or null, "loops": N, "peak_memory_bytes": int or null,
"peak_memory_tool": "tracemalloc" | "memray" | null}.

Peak memory comes from one extra call of the benchmarked function after pytest-benchmark is done, under
tracemalloc (or memray when PERFJOURNAL_PROFILE_MEMORY=memray and it is installed; "off" skips it). The
tool that measured it is recorded, so a memray that could not be used (not installed, or a tracker already
active, as under pytest-memray) shows as tracemalloc instead of going unnoticed. It never fails a test:
anything that goes wrong here leaves the fields null.
"""

import itertools
import json
import os
import sys

_counter = itertools.count()


def _memory_mode():
    return os.environ.get("PERFJOURNAL_PROFILE_MEMORY", "tracemalloc")


def _peak_tracemalloc(call):
    import tracemalloc

    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        call()
        return max(0, tracemalloc.get_traced_memory()[1] - base)
    finally:
        if not was_tracing:
            tracemalloc.stop()


def _peak_memray(call, directory):
    import memray  # noqa: F401  (ImportError falls back to tracemalloc)

    path = os.path.join(directory, "memray-%d-%d.bin" % (os.getpid(), next(_counter)))
    try:
        with memray.Tracker(path):
            call()
        return int(memray.FileReader(path).metadata.peak_memory)
    finally:
        try:
            os.remove(path)
        except OSError:
            pass


def _peak(call, directory):
    """(peak bytes, the tool that measured them), or (None, None)."""
    mode = _memory_mode()
    if mode == "off":
        return None, None
    if mode == "memray":
        try:
            return _peak_memray(call, directory), "memray"
        except Exception:  # not installed, or unusable here: tracemalloc says something still
            pass
    try:
        return _peak_tracemalloc(call), "tracemalloc"
    except Exception:
        return None, None


def _write(entry):
    out = os.environ.get("PERFJOURNAL_PROFILE_MANIFEST")
    if not out:
        return
    line = json.dumps(entry) + "\n"
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)


def _record(fixture, call):
    if not getattr(fixture, "enabled", True):
        return
    directory = os.path.dirname(os.environ.get("PERFJOURNAL_PROFILE_MANIFEST", "") or ".")
    peak, tool = _peak(call, directory)
    _write({
        "name": getattr(fixture, "fullname", None) or getattr(fixture, "name", "?"),
        "dump": getattr(fixture, "_perfjournal_dump", None),
        "loops": getattr(fixture, "_perfjournal_loops", None),
        "peak_memory_bytes": peak,
        "peak_memory_tool": tool,
    })


def pytest_configure(config):
    try:
        from pytest_benchmark.fixture import BenchmarkFixture
        from pytest_benchmark.utils import slugify
    except ImportError:
        return
    if getattr(BenchmarkFixture, "_perfjournal_patched", False):
        return
    BenchmarkFixture._perfjournal_patched = True
    save_cprofile = BenchmarkFixture._save_cprofile
    raw = BenchmarkFixture._raw
    raw_pedantic = BenchmarkFixture._raw_pedantic

    def _save_cprofile_recorded(self, profile):
        save_cprofile(self, profile)
        try:
            if self.cprofile_loops is not None:
                loops = int(self.cprofile_loops)
            else:
                loops = int(getattr(self.stats, "iterations", 1) or 1)
            self._perfjournal_loops = max(1, loops)
            if self.cprofile_dump:
                written = "%s-%s.prof" % (self.cprofile_dump, slugify(self.name))
                unique = "%s-%d-%d.prof" % (self.cprofile_dump, os.getpid(), next(_counter))
                os.replace(written, unique)
                self._perfjournal_dump = unique
        except Exception as error:  # the run must go on
            sys.stderr.write("perfjournal: could not record the profile of %s: %s\n" % (self.name, error))

    def _raw_recorded(self, function_to_benchmark, *args, **kwargs):
        result = raw(self, function_to_benchmark, *args, **kwargs)
        _record(self, lambda: function_to_benchmark(*args, **kwargs))
        return result

    def _raw_pedantic_recorded(self, target, args=(), kwargs=None, setup=None, teardown=None, **rest):
        result = raw_pedantic(self, target, args=args, kwargs=kwargs, setup=setup, teardown=teardown, **rest)

        def once():
            a, k = args, kwargs or {}
            if setup is not None:
                made = setup()
                if made is not None:
                    a, k = made
            target(*a, **k)
            if teardown is not None:
                teardown(*a, **k)

        _record(self, once)
        return result

    BenchmarkFixture._save_cprofile = _save_cprofile_recorded
    BenchmarkFixture._raw = _raw_recorded
    BenchmarkFixture._raw_pedantic = _raw_pedantic_recorded
