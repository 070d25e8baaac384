"""TMF622 conformance suite: ports of TM Forum's CTKs and our extended checks, as pytest kits."""

from ctk_suite.core.version import USER_AGENT, __version__

__all__ = ["USER_AGENT", "__version__"]
