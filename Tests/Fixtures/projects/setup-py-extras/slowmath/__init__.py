"""Arithmetic helpers, written for clarity rather than speed."""


def triangular(n):
    return sum(range(n + 1))


def mean(values):
    values = list(values)
    return sum(values) / len(values)
