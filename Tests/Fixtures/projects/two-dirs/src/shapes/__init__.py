"""Areas and perimeters of simple shapes."""
import math


def circle_area(r):
    return math.pi * r * r


def polygon_perimeter(points):
    return sum(math.dist(points[i], points[(i + 1) % len(points)]) for i in range(len(points)))
