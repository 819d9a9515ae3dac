from hookie import Registry


def test_call_order():
    r = Registry()
    r.register(lambda x: x + 1)
    r.register(lambda x: x * 2)
    assert r.call(3) == [4, 6]
