from shapes import polygon_perimeter

SQUARE = [(0, 0), (1, 0), (1, 1), (0, 1)]


class TestPolygon:
    def test_square_perimeter(self, benchmark):
        assert benchmark(polygon_perimeter, SQUARE) == 4

    def test_many_sided(self, benchmark):
        points = [(i, i * i % 7) for i in range(100)]
        benchmark(polygon_perimeter, points)
