"""Reference aiohttp server of the API versions in `versions/` (factory: `mock_server.app.create_app`)."""

from typing import Any


def __getattr__(name: str) -> Any:
    """`__version__`, read from the installed metadata when asked for (`--version`), not at every start."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415 - about 30 ms

    try:
        return version("tmf622-toolkit")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"
