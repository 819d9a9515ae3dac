# Puts the project root on sys.path, so the tests import slowmath without installing it.
