"""Check kind `schema_valid`: every instance against one of our JSON Schemas, and the v5 kit's own way.

Ours checks formats and (v5) the `@type` dispatch of the generated schemas. TM Forum's v5 kit
(`validate.js`) deletes every `discriminator` and runs ajv without format checkers: its verdict is drawn
from `tmf622_schemas.undispatched_validator_for` (docs/ctk-5.0.0-defects.md, rows 4-6).
"""

from __future__ import annotations

from typing import Any

from ctk_suite.core.failures import Failure, Failures, Kind, clip
from ctk_suite.kits.official.checks.kinds import CheckContext, register
from ctk_suite.kits.official.scenario import AssertionSpec


def schema_valid_official(ctx: CheckContext, spec: AssertionSpec) -> Failures | None:
    """TM Forum's v5 kit (`validate.js`) deletes every `discriminator` and runs ajv without formats: the
    same schemas without `@type` dispatch, the unions of `officialValidation.oneOf` as exclusive `oneOf`
    (as in its `oas.yaml`), no format checked. None (the official verdict is ours) without that parameter.
    """
    from tmf622_schemas import undispatched_validator_for  # noqa: PLC0415 - as schema_valid

    rules = spec.params.get("officialValidation")
    if not isinstance(rules, dict):
        return None
    name, version = str(spec.params["schema"]), str(spec.params.get("version", "4"))
    one_of = frozenset(str(union) for union in rules.get("oneOf") or ())
    return _schema_failures(ctx, name, undispatched_validator_for(name, version, one_of))


def schema_valid(ctx: CheckContext, spec: AssertionSpec) -> Failures:
    """Every instance validates against one of our JSON Schemas of `version` (default "4"), formats and
    (v5) `@type` dispatch really checked."""
    from tmf622_schemas import validator_for  # noqa: PLC0415 - loads the schema registry only when used

    name = str(spec.params["schema"])
    return _schema_failures(ctx, name, validator_for(name, str(spec.params.get("version", "4"))))


# Registered below the function, not with `@`: mutmut 3 leaves a decorated function unmutated (issue 22).
register("schema_valid", params=("schema",), failure_kind=Kind.SCHEMA, official=schema_valid_official)(
    schema_valid
)


def _schema_failures(ctx: CheckContext, name: str, validator: Any) -> Failures:
    failures: list[Failure] = []
    for where, instance in ctx.instances():
        try:
            failures += [
                ctx.fail(
                    where + error.json_path[1:], f"valid {name} ({error.validator})", clip(error.message)
                )
                for error in validator.iter_errors(instance)
            ]
        except RecursionError:  # nested deeper than the validator can follow: unverified is never valid
            failures.append(ctx.fail(where, f"valid {name}", "nesting too deep to validate"))
    return tuple(failures)
