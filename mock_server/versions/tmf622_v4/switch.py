"""Its switch: the two options that say whether it is served and where, and their reading."""

from __future__ import annotations

from mock_server.config.options import version_rows
from mock_server.config.settings import Settings, VersionSwitch

#: Its key in `Settings.versions`, in `/health` and on the landing page.
LABEL = "v4"
#: TMF622 v4 swagger `basePath` (without its trailing slash; routes are joined to it).
DEFAULT_BASE_PATH = "/tmf-api/productOrderingManagement/v4"
OPTIONS = version_rows(
    LABEL, "base_path", "path prefix of the API", DEFAULT_BASE_PATH, "serve TMF622 v4 under --base-path"
)


def switch(settings: Settings) -> VersionSwitch:
    """Its entry of `settings.versions`, or its options' defaults (settings built without it: tests)."""
    return settings.versions.get(LABEL) or VersionSwitch(served=True, base_path=DEFAULT_BASE_PATH)
