"""Benchmarks of the hook registry (tox -e benchmark)."""
import pytest

from hookie import Registry


@pytest.fixture
def registry():
    r = Registry()
    for i in range(20):
        r.register(lambda x, i=i: x + i)
    return r


def test_call_twenty_hooks(benchmark, registry):
    benchmark(registry.call, 1)


class TestRegister:
    def test_register_many(self, benchmark):
        def register_all():
            r = Registry()
            for i in range(50):
                r.register(lambda: i)
        benchmark(register_all)
