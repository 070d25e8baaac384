"""Generate `schemas/v5/*.schema.json` (JSON Schema draft 2020-12) from TM Forum's official TMF622 v5.0.0 OAS.

One file per `components/schemas` entry, `$id` ``https://schemas.tmf622-toolkit.dev/v5/<Name>.schema.json``,
`#/components/schemas/X` rewritten to the relative ``X.schema.json``. Output is deterministic (sorted keys,
two-space indentation, trailing newline), so `--check` can prove the committed files are this script's output.

OpenAPI 3.0 keywords that are not JSON Schema are converted:
- `nullable: true` adds ``"null"`` to `type` (and `None` to an `enum`);
- `example` becomes ``examples: [example]``;
- `readOnly`, `writeOnly`, `default`, `description` are draft 2020-12 annotations and stay as they are;
- `format` stays: `date-time` and `uri` are checked by the toolkit's validators, the OAS-only formats
  (`int32`, `float`, `base64`) are annotations that every draft 2020-12 validator ignores;
- `discriminator` is replaced by the dispatch below (it is an OpenAPI keyword, not a JSON Schema one:
  a plain validator would ignore it, and TM Forum's own v5 CTK deletes it before validating).

Discriminators are enforced. TMF v5 declares inheritance with `allOf` (``StringCharacteristic`` is
``allOf: [Characteristic, {...}]``) and puts ``discriminator: {propertyName: "@type", mapping: {...}}`` on the
base; a union (``ProductRefOrValue``) is a `oneOf` with a discriminator. A schema whose mapping names any
schema other than itself is generated as a dispatching wrapper around its plain structure:

    {"$defs": {"structure": <the converted OAS schema>},
     "$ref": "#/$defs/structure",
     "allOf": [{"if": {"properties": {"@type": {"const": "StringCharacteristic"}}, "required": ["@type"]},
                "then": {"$ref": "StringCharacteristic.schema.json"}}, ...]}

- Every reference to ``X`` (a property, an array item, a union member, a request body) gets the wrapper, so
  an instance whose `@type` is a mapped value is validated against the mapped schema too.
- References that are inheritance (direct members of an `allOf`) and dispatch targets get the plain
  structure (``X.schema.json#/$defs/structure`` when ``X`` dispatches, else ``X.schema.json``). That is what
  stops the recursion: the subtype's `allOf` refers back to the base's structure, never to its dispatch, so at
  any one place in an instance at most one dispatch step happens.
- A mapping entry that names the schema itself (``ProductOrder_FVO`` maps ``ProductOrder`` to itself) needs
  no dispatch: the structure already applies.
- A union's `oneOf` becomes `anyOf`: TMF schemas are open (no `additionalProperties: false`), so a
  ``ProductRef`` instance also matches ``Product`` and "exactly one" would refuse every valid instance. The
  discriminator, not exclusivity, picks the member.
- An `@type` that is not in the mapping is accepted when the structure accepts it. TMF lets an implementation
  send its own subclass (`@type` its name, `@baseType` the parent, `@schemaLocation` the schema that defines
  it: "When sub-classing, this defines the sub-class Extensible name"), which the OAS cannot list; such an
  instance is checked against the base (for a union: against at least one member).

Where `@type` is required: the OAS's `Extensible` and `Extensible_FVO` list it in `required`, and every
`Entity`/`Entity_FVO`/`Entity_MVO` (so `ProductOrder`, `ProductOrder_FVO`, `ProductOrder_MVO`,
`CancelProductOrder*`, `Error`, `Hub`, the events) inherits it through `allOf`.

Usage: ``python scripts/generate_v5_schemas.py [--check] [OAS_JSON]`` (default: env `TMF622_V5_OAS`, else
``../shared/reference/TMF622-ProductOrdering-v5.0.0.oas.json`` next to the repository).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
OUTPUT_DIR = REPO_ROOT / "schemas" / "v5"
DEFAULT_OAS = REPO_ROOT.parent / "shared" / "reference" / "TMF622-ProductOrdering-v5.0.0.oas.json"
OAS_ENV = "TMF622_V5_OAS"

BASE_URI = "https://schemas.tmf622-toolkit.dev/v5/"
SUFFIX = ".schema.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
OAS_REF_PREFIX = "#/components/schemas/"
STRUCTURE = "#/$defs/structure"

#: Keywords whose value is a map of name -> subschema.
SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")
#: Keywords whose value is one subschema.
SCHEMA_VALUES = ("items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames")

Refer = Callable[[str], str]


def schema_name(oas_ref: str) -> str:
    """`#/components/schemas/X` -> `X`; anything else is outside the document and refused."""
    if not oas_ref.startswith(OAS_REF_PREFIX):
        raise ValueError(f"unsupported $ref {oas_ref!r}: only {OAS_REF_PREFIX}<Name> is converted")
    return oas_ref.removeprefix(OAS_REF_PREFIX)


def dispatch_targets(name: str, oas_schema: dict[str, Any]) -> dict[str, str]:
    """The `@type` values of `name`'s discriminator that select another schema, value -> schema name."""
    mapping = oas_schema.get("discriminator", {}).get("mapping", {})
    targets = {value: schema_name(ref) for value, ref in mapping.items()}
    return {value: target for value, target in sorted(targets.items()) if target != name}


def structure_ref(name: str, dispatching: set[str]) -> str:
    """The reference to `name`'s plain structure: inheritance and dispatch targets use it."""
    return f"{name}{SUFFIX}{STRUCTURE}" if name in dispatching else f"{name}{SUFFIX}"


def convert(node: Any, refer: Refer, inherit: Refer) -> Any:
    """Convert one OAS 3.0 schema object (recursively) to draft 2020-12."""
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        out.update(_convert_keyword(key, value, refer, inherit))
    if node.get("nullable") is True:
        _allow_null(out)
    if "discriminator" in node and "oneOf" in out:
        out["anyOf"] = out.pop("oneOf")
    return out


def _convert_keyword(key: str, value: Any, refer: Refer, inherit: Refer) -> dict[str, Any]:
    """One keyword of an OAS schema object as the draft 2020-12 keyword(s) replacing it."""
    if key in ("nullable", "discriminator"):
        return {}
    if key == "example":
        return {"examples": [value]}
    if key == "$ref":
        return {"$ref": refer(schema_name(value))}
    return {key: _convert_value(key, value, refer, inherit)}


def _convert_value(key: str, value: Any, refer: Refer, inherit: Refer) -> Any:
    """The value of keyword `key`, its subschemas converted (a plain value, such as an `enum`, as it is)."""
    if key in SCHEMA_MAPS:
        return {name: convert(sub, refer, inherit) for name, sub in value.items()}
    if key in SCHEMA_VALUES:
        return convert(value, refer, inherit)
    if key == "allOf":
        return [_convert_parent(sub, refer, inherit) for sub in value]
    if key in ("anyOf", "oneOf", "prefixItems"):
        return [convert(sub, refer, inherit) for sub in value]
    return value


def _convert_parent(node: Any, refer: Refer, inherit: Refer) -> Any:
    """A direct `allOf` member: a reference there is inheritance, so it takes the parent's structure."""
    if isinstance(node, dict) and set(node) == {"$ref"}:
        return {"$ref": inherit(schema_name(node["$ref"]))}
    return convert(node, refer, inherit)


def _allow_null(schema: dict[str, Any]) -> None:
    """OAS 3.0 `nullable: true` as draft 2020-12: `null` joins the type (and the enum, if any)."""
    kind = schema.get("type")
    if isinstance(kind, str):
        schema["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        schema["type"] = [*kind, "null"]
    if "enum" in schema and None not in schema["enum"]:
        schema["enum"] = [*schema["enum"], None]


def _dispatch(targets: dict[str, str], dispatching: set[str]) -> list[dict[str, Any]]:
    """One `if @type == value then <target structure>` per mapping entry."""
    return [
        {
            "if": {"properties": {"@type": {"const": value}}, "required": ["@type"]},
            "then": {"$ref": structure_ref(target, dispatching)},
        }
        for value, target in targets.items()
    ]


def generate_one(name: str, oas_schema: dict[str, Any], dispatching: set[str]) -> dict[str, Any]:
    """The draft 2020-12 document for OAS schema `name`: plain, or a dispatching wrapper (see above)."""
    header = {"$schema": DRAFT, "$id": f"{BASE_URI}{name}{SUFFIX}", "title": name}
    structure = convert(oas_schema, lambda ref: f"{ref}{SUFFIX}", lambda ref: structure_ref(ref, dispatching))
    if name not in dispatching:
        return {**header, **structure}
    targets = dispatch_targets(name, oas_schema)
    dispatch = _dispatch(targets, dispatching)
    return {**header, "$defs": {"structure": structure}, "$ref": STRUCTURE, "allOf": dispatch}


def generate(oas: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every `components/schemas` entry of the OAS document as `{file name: draft 2020-12 document}`."""
    schemas: dict[str, dict[str, Any]] = oas["components"]["schemas"]
    dispatching = {name for name, schema in schemas.items() if dispatch_targets(name, schema)}
    return {
        f"{name}{SUFFIX}": generate_one(name, schema, dispatching) for name, schema in sorted(schemas.items())
    }


def render(document: dict[str, Any]) -> str:
    """The one serialization of a generated document, so regeneration is byte-identical."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def differences(files: dict[str, dict[str, Any]], directory: Path) -> list[str]:
    """What differs between the generated `files` and `directory`: one line per file."""
    present = {path.name for path in directory.glob(f"*{SUFFIX}")}
    lines = [f"missing: {name}" for name in sorted(set(files) - present)]
    lines += [f"not generated: {name}" for name in sorted(present - set(files))]
    lines += [
        f"differs: {name}"
        for name in sorted(set(files) & present)
        if (directory / name).read_text(encoding="utf-8") != render(files[name])
    ]
    return lines


def write(files: dict[str, dict[str, Any]], directory: Path) -> None:
    """Write every generated file and remove schema files the OAS no longer defines."""
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob(f"*{SUFFIX}"):
        if stale.name not in files:
            stale.unlink()
    for name, document in files.items():
        (directory / name).write_text(render(document), encoding="utf-8", newline="\n")


def oas_path(argument: str | None) -> Path:
    """The OAS file: the argument, else env `TMF622_V5_OAS`, else the shared reference copy."""
    return Path(argument or os.environ.get(OAS_ENV) or DEFAULT_OAS)


def main(argv: list[str] | None = None) -> int:
    """CLI: regenerate `schemas/v5/`, or with `--check` report (exit 1) whether it is out of date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("oas", nargs="?", help=f"OAS JSON file (default: ${OAS_ENV} or {DEFAULT_OAS})")
    parser.add_argument("--check", action="store_true", help="compare with schemas/v5/, write nothing")
    args = parser.parse_args(argv)
    files = generate(json.loads(oas_path(args.oas).read_text(encoding="utf-8")))
    if not args.check:
        write(files, OUTPUT_DIR)
        print(f"wrote {len(files)} schemas to {OUTPUT_DIR}")
        return 0
    problems = differences(files, OUTPUT_DIR)
    print("\n".join(problems) or f"schemas/v5 is up to date ({len(files)} schemas)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
