import slowmath


def test_triangular_speed(benchmark):
    assert benchmark(slowmath.triangular, 1000) == 500500


def test_mean_speed(benchmark):
    assert benchmark(slowmath.mean, range(100)) == 49.5
