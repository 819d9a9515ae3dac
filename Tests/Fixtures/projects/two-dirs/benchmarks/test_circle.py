from shapes import circle_area


def test_circle_area(benchmark):
    benchmark(circle_area, 3.0)
