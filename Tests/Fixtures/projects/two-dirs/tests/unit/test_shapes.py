from shapes import circle_area, polygon_perimeter


def test_circle():
    assert round(circle_area(1), 2) == 3.14


def test_square():
    assert polygon_perimeter([(0, 0), (1, 0), (1, 1), (0, 1)]) == 4
