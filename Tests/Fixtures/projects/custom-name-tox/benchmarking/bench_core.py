import pytest

from mdlite import render

DOC = "\n\n".join(["# Title", "Some *emphasis* here.", "## Section", "More text."] * 20)


@pytest.fixture
def document():
    return DOC


def test_render_document(benchmark, document):
    benchmark(render, document)


@pytest.mark.parametrize("size", [1, 10])
def test_render_paragraphs(benchmark, size):
    text = "\n\n".join(["plain *text*"] * size)
    benchmark(render, text)
