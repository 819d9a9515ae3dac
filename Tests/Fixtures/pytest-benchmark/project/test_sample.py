# Benchmarks for the pytest-benchmark fixtures: one fast function (pytest-benchmark
# calibrates it to many iterations per round), one parametrized, one slow enough for 1 iteration.
import time

import pytest


def test_sum_small(benchmark):
    benchmark(sum, range(10))


@pytest.mark.parametrize("size", [100, 1000])
def test_sort(benchmark, size):
    data = list(range(size, 0, -1))
    benchmark(sorted, data)


def test_sleep(benchmark):
    benchmark(time.sleep, 0.0005)
