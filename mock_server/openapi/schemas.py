"""OpenAPI `components.schemas` from `tmf622_schemas`: each file inlined, its file `$ref`s made local.

OpenAPI 3.1 schema objects are JSON Schema 2020-12, so the documents need no translation: only
`$id` and `$schema` go (an `$id` would rebase the rewritten `$ref`s) and `Foo.schema.json` becomes
`#/components/schemas/Foo`. The mock validates with the very same files.
"""

from __future__ import annotations

from typing import Any

import tmf622_schemas

COMPONENTS = "#/components/schemas/"

_COUNT = {"type": "integer", "minimum": 0}
_QUEUE_COUNTS = [
    "queuedEvents",
    "queuedBytes",
    "maxQueuedEvents",
    "maxQueuedBytes",
    "droppedEvents",
    "droppedBytes",
]
_LANE_COUNTS = ["queuedEvents", "queuedBytes", "consecutiveFailures", "delivered", "givenUp", "dropped"]

#: Schemas of this document that are not TMF resources (they describe the mock's own extras).
EXTRA_SCHEMAS: dict[str, Any] = {
    "JsonPatch": {
        "description": "RFC 6902 JSON Patch: a list of operations applied in order.",
        "type": "array",
        "items": {
            "type": "object",
            "required": ["op", "path"],
            "properties": {
                "op": {"enum": ["add", "remove", "replace", "move", "copy", "test"]},
                "path": {"type": "string", "description": "JSON Pointer (RFC 6901) into the resource"},
                "from": {"type": "string", "description": "JSON Pointer, for move and copy"},
                "value": {"description": "any JSON value, for add, replace and test"},
            },
        },
    },
    "MergePatch": {
        "description": "RFC 7386 JSON Merge Patch: members replace, null removes, objects merge.",
        "type": "object",
    },
    "Health": {
        "type": "object",
        "required": ["status", "store", "orders"],
        "properties": {
            "status": {"const": "ok"},
            "store": {"enum": ["memory", "sqlite", "postgresql"], "description": "where resources are kept"},
            "orders": {
                "type": "integer",
                "minimum": 0,
                "description": "resources of the default API's first kind stored (its first collection)",
            },
            "versions": {
                "description": "Resources stored, per served version (its label) and resource",
                "type": "object",
                "additionalProperties": {"type": "object", "additionalProperties": _COUNT},
            },
            "notifications": {"$ref": f"{COMPONENTS}NotificationQueue"},
        },
    },
    "NotificationQueue": {
        "description": "Hub deliveries (one per event and listener) waiting and dropped, and each lane.",
        "type": "object",
        "required": [*_QUEUE_COUNTS, "lanes"],
        "properties": {
            **dict.fromkeys(_QUEUE_COUNTS, _COUNT),
            "lanes": {"type": "array", "items": {"$ref": f"{COMPONENTS}DeliveryLane"}},
        },
    },
    "DeliveryLane": {
        "description": "One listener's lane: its circuit breaker, waiting events, what became of others.",
        "type": "object",
        "required": ["subscriptionId", "circuit", *_LANE_COUNTS],
        "properties": {
            "subscriptionId": {"type": "string"},
            "circuit": {"enum": ["closed", "open", "halfOpen"]},
            **dict.fromkeys(_LANE_COUNTS, _COUNT),
        },
    },
}


def component_ref(name: str) -> dict[str, str]:
    return {"$ref": f"{COMPONENTS}{name}"}


def local_ref(ref: str, current: str) -> str:
    """`Item.schema.json` -> `#/components/schemas/Item`; a `#/...` fragment
    of the same file points into that file's component."""
    document, _, fragment = ref.partition("#")
    name = document.removesuffix(tmf622_schemas.SCHEMA_SUFFIX) if document else current
    return f"{COMPONENTS}{name}{fragment}"


def _localized(node: Any, current: str) -> Any:
    if isinstance(node, dict):
        return {
            key: local_ref(value, current)
            if key == "$ref" and isinstance(value, str)
            else _localized(value, current)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_localized(item, current) for item in node]
    return node


def component(name: str, version: str = tmf622_schemas.DEFAULT_VERSION) -> dict[str, Any]:
    """The schema file `name` (of the schema set `version`) as a component."""
    document = tmf622_schemas.load_schema(name, version)
    document.pop("$id", None)
    document.pop("$schema", None)
    localized: dict[str, Any] = _localized(document, name)
    return localized


def component_schemas(version: str = tmf622_schemas.DEFAULT_VERSION) -> dict[str, Any]:
    """Every schema file of `version`, plus the extras; names are the file names without `.schema.json`."""
    schemas = {name: component(name, version) for name in tmf622_schemas.schema_names(version)}
    return {**EXTRA_SCHEMAS, **schemas}  # a file wins: a set may have its own JsonPatch
