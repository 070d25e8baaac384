"""The registry of API version plug-ins: one folder each, declared here once (see docs/adding-a-version.md).

The core (`mock_server.app`) serves every version listed whose base path its settings give, in
this order (the first served one is the default API: the ready line names its base path); it never
imports a version folder by name otherwise.
"""

from __future__ import annotations

from mock_server.plugin import ApiVersion
from mock_server.versions.tmf622_v4.version import VERSION as TMF622_V4
from mock_server.versions.tmf622_v5.version import VERSION as TMF622_V5

VERSIONS: tuple[ApiVersion, ...] = (TMF622_V4, TMF622_V5)
