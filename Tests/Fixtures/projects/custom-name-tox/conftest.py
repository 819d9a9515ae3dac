# Puts the project root on sys.path, so the tests import mdlite without installing it.
