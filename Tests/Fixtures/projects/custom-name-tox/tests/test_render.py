from mdlite import render


def test_heading():
    assert render("# Hi") == "<h1>Hi</h1>"


def test_emphasis():
    assert render("a *b*") == "<p>a <em>b</em></p>"
