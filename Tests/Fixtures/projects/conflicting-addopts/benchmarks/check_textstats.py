from textstats import longest_word, word_counts

TEXT = "the quick brown fox jumps over the lazy dog " * 50


def check_counts(benchmark):
    # Not collected: python_functions is the default, "test".
    benchmark(word_counts, TEXT)


def test_word_counts(benchmark):
    benchmark(word_counts, TEXT)


def test_longest_word(benchmark):
    benchmark(longest_word, TEXT)


class TestCounter:
    def test_most_common(self, benchmark):
        counts = word_counts(TEXT)
        benchmark(counts.most_common, 3)
