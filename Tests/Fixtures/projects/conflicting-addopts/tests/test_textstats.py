from textstats import longest_word, word_counts


def test_counts():
    assert word_counts("a b A")["a"] == 2


def test_longest():
    assert longest_word("a bbb cc") == "bbb"
