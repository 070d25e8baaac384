"""Reference aiohttp implementation of TMF622 Product Ordering v4 (factory: `mock_server.app.create_app`)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tmf622-toolkit")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"
