"""What each served version puts in its OpenAPI document, as data: a version plug-in gives its
`OpenApiSource` (`mock_server.plugin.ApiVersion.openapi`, from its folder's openapi.py).

A document is the shared machinery (document.py) fed one `OpenApiSource`: its operations (from
`operations.ResourceApi` rows), the schema files of its version, and the rules the mock enforces
beyond those files, taken from the same tables the handlers use: the server-owned fields a PATCH may
not change (`read_only` of each resource kind) become `readOnly`, the attributes a `?fields=`
projection always keeps become its `_Projection` schema, and `constraints` state the checks that
live in code (the hub's callback must be an absolute http(s) URL).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: The callbacks `notify.hub._check_callback` accepts: absolute http(s) URLs with a host.
CALLBACK_URL = {"format": "uri", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#@\\s]+"}
#: The subscription queries `notify.filters.EventFilter.parse` accepts: `name.path=v1,v2` terms joined by
#: `&` (a `?` before them allowed), each name segment and value non-empty.
_TERM = r"[^&=.\s+]+(\.[^&=.\s+]+)*=[^&=,\s+]+(,[^&=,\s+]+)*"
HUB_QUERY = {"pattern": f"^\\??({_TERM}(&{_TERM})*)?$"}
HUB_RULES = {"callback": CALLBACK_URL, "query": HUB_QUERY}


@dataclass(frozen=True, slots=True)
class OpenApiSource:
    """One version's document inputs (where it is served comes with it: its plug-in's `base_path`);
    `root_aliases` are its paths (relative) also served at the root, described there too."""

    key: str  # the version's label: the document's URL segment on the landing page and in /openapi.json
    title: str
    version: str
    description: str
    schema_version: str  # of the schema package
    operations: Mapping[tuple[str, str], dict[str, Any]]
    read_only: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    projections: Mapping[str, frozenset[str]] = field(default_factory=dict)
    constraints: Mapping[str, Mapping[str, dict[str, Any]]] = field(default_factory=dict)
    root_aliases: tuple[str, ...] = ()
