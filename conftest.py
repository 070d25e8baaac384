"""Root conftest, kept tiny: the CTK's options and fixtures live in the ctk_suite plugin (pytest11)."""

# pytester runs the CTK plugin in throw-away sessions (tests/ctk_suite); only a root conftest may load it.
pytest_plugins = ["pytester"]
