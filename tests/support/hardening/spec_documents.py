"""The API documents the fuzz tests read: where, bounded copies for generation, request-body validators."""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import schemathesis
from jsonschema import Draft4Validator, Draft202012Validator, FormatChecker
from jsonschema.protocols import Validator

SWAGGER_NAME = "TMF622-ProductOrder-v4.0.0.swagger.json"
#: Where CI lays the reference files: `shared/` beside the checkout.
DEFAULT_SWAGGER = Path(__file__).resolve().parents[3].parent / "shared" / "reference" / SWAGGER_NAME


def swagger_candidates(option: str | None) -> list[Path]:
    """--tmf622-swagger, then TMF622_SWAGGER, then beside TMF622_CTK_DIR, then ../shared/reference."""
    chosen = option or os.environ.get("TMF622_SWAGGER")
    if chosen:
        return [Path(chosen)]
    ctk_dir = os.environ.get("TMF622_CTK_DIR")
    beside_ctk = [Path(ctk_dir).parent / SWAGGER_NAME] if ctk_dir else []
    return [*beside_ctk, DEFAULT_SWAGGER]


#: Unbounded arrays get at most this many items in the copy cases are generated from. The official
#: ProductOrder_Create nests a dozen arrays of objects: unbounded, one case takes ~0.3 s to generate
#: (and ~0.8 s in negative mode); with one item, ~15 ms. Responses are still validated against the
#: unbounded document, and long arrays are covered by the bad-input and concurrency tests.
MAX_ITEMS = 1
#: The formats the mock enforces (through tmf622_schemas). Swagger's `format: float` has no JSON
#: meaning (an integer is a float in JSON), so a "negative" case that only breaks it is not negative.
CHECKED_FORMATS = ("date-time", "uri")


def cap_arrays(document: dict[str, Any]) -> dict[str, Any]:
    """A copy whose unbounded `type: array` schemas get `maxItems: MAX_ITEMS` (see MAX_ITEMS)."""
    capped = copy.deepcopy(document)
    stack: list[Any] = [capped]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("type") == "array" and "maxItems" not in node:
                node["maxItems"] = MAX_ITEMS
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return capped


def without_swagger_artefacts(swagger: dict[str, Any]) -> dict[str, Any]:
    """The official v4.0.0 swagger minus one generator artefact (TMF622-v4.0.0-FACTS.md):
    `ProductOrder_Update` requires `productOrderItem`, yet a merge patch changes only what it names;
    the mock accepts a PATCH without it, as every TMF622 implementation must.
    """
    fixed = copy.deepcopy(swagger)
    fixed["definitions"]["ProductOrder_Update"].pop("required", None)
    return fixed


def _request_schema(document: dict[str, Any], path: str, method: str, media_type: str | None) -> Any:
    """The body schema of one operation: swagger 2.0 `in: body` parameter or OpenAPI 3 `requestBody`."""
    operation = document["paths"][path][method.lower()]
    if "requestBody" in operation:
        content = operation["requestBody"]["content"]
        return content.get(media_type or "", next(iter(content.values())))["schema"]
    return next(p["schema"] for p in operation.get("parameters", []) if p.get("in") == "body")


def body_validator(document: dict[str, Any], path: str, method: str, media_type: str | None) -> Validator:
    """Validates a request body against the document's own (unbounded) schema, refs resolved in it."""
    schema = _request_schema(document, path, method, media_type)
    roots = {key: document[key] for key in ("definitions", "components") if key in document}
    draft = Draft4Validator if document.get("swagger") == "2.0" else Draft202012Validator
    return draft({**schema, **roots}, format_checker=FormatChecker(CHECKED_FORMATS))


@dataclass(frozen=True)
class SpecPair:
    """One API document twice: bounded, to generate cases from, and as written, to judge by."""

    generation: schemathesis.BaseSchema
    spec: schemathesis.BaseSchema
    document: dict[str, Any]


def spec_pair(document: dict[str, Any], base_url: str, exclude_path_regex: str | None = None) -> SpecPair:
    """Both schemas aimed at `base_url` (the documents' own `host`/`servers` never name the mock)."""
    schemas: list[schemathesis.BaseSchema] = []
    for variant in (cap_arrays(document), document):
        loaded = schemathesis.openapi.from_dict(variant)
        loaded.config.update(base_url=base_url)
        schemas.append(
            loaded if exclude_path_regex is None else loaded.exclude(path_regex=exclude_path_regex)
        )
    return SpecPair(schemas[0], schemas[1], document)
