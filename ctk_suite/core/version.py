"""The toolkit's version, and the User-Agent that carries it (read by the HTTP layer and the reports)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tmf622-toolkit")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

#: Sent as User-Agent with every request, and written in every report.
USER_AGENT = f"tmf622-ctk/{__version__}"
