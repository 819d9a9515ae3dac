"""Word statistics for plain text."""
from collections import Counter


def word_counts(text):
    return Counter(text.lower().split())


def longest_word(text):
    return max(text.split(), key=len)
