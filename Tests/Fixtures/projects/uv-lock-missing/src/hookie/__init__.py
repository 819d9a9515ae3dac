"""A tiny hook registry: call every registered function in order."""


class Registry:
    def __init__(self):
        self._hooks = []

    def register(self, func):
        self._hooks.append(func)
        return func

    def call(self, *args):
        return [hook(*args) for hook in self._hooks]
