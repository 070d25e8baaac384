"""Its switch: the two options that say whether it is served and where, and their reading."""

from __future__ import annotations

from mock_server.config.options import version_rows
from mock_server.config.settings import Settings, VersionSwitch

#: Its key in `Settings.versions`, in `/health` and on the landing page.
LABEL = "v5"
#: Where TMF622 v5.0.0 is served beside v4 (the v5 OAS server URL `.../productOrderingManagement/v5`).
DEFAULT_BASE_PATH = "/tmf-api/productOrderingManagement/v5"
OPTIONS = version_rows(
    "v5",
    "v5_base_path",
    "path prefix of the TMF622 v5 API (served beside v4)",
    DEFAULT_BASE_PATH,
    "serve TMF622 v5 under --v5-base-path",
)


def switch(settings: Settings) -> VersionSwitch:
    """Its entry of `settings.versions`, or its options' defaults (settings built without it: tests)."""
    return settings.versions.get(LABEL) or VersionSwitch(served=True, base_path=DEFAULT_BASE_PATH)
