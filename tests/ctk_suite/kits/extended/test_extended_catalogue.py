"""Pin the extended catalogue: ids, levels, sources, one check per rule, and the docs table in step."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import ctk_suite.kits.extended.versions  # noqa: F401 - registers every version's probes and checks
from ctk_suite.core.levels import Level
from ctk_suite.kits.extended.catalogue import CatalogueError, load_catalogue
from ctk_suite.kits.extended.run import (
    CHECKS,
    PROBES,
    ExtendedRun,  # noqa: F401 - importing it registers checks and probes
)

DOCS = Path(__file__).parents[4] / "docs" / "extended-checks.md"
ROW = re.compile(r"^\| `(?P<id>[^`]+)` \| (?P<level>\w+) \| (?P<rule>.+) \| (?P<source>[^|]+) \|$")

#: TMF622B's mandatory parts (and the answers of its mandatory operations) are the mandatory level.
MANDATORY = [
    "TMF622B-M-POST-201",
    "TMF622B-M-POST-LOCATION",
    "TMF622B-M-ATTRS",
    "TMF622B-M-GET-200",
    "TMF622B-M-GET-404",
    "TMF622B-M-FIELDS-LIST",
    "TMF622B-M-FIELDS-RETRIEVE",
    "TMF622B-M-FILTER-ID",
    "TMF622B-M-FILTER-ATTR",
    "TMF622B-M-FILTER-AND",
    "TMF622B-M-FILTER-UNKNOWN",
    "TMF622B-M-POST-NO-ITEM",
    "TMF622B-M-POST-BAD-ACTION",
    "TMF622-v4-POST-MALFORMED",
    "TMF622-v4-SCHEMA-M",
    "TMF622-v4-JSON-M",
]


def test_catalogue_ids_levels_and_sources() -> None:
    catalogue = load_catalogue()
    assert [r.id for r in catalogue.at_level(Level.EXTENDED_MANDATORY)] == MANDATORY
    optional = catalogue.at_level(Level.EXTENDED_OPTIONAL)
    assert len(optional) == 17
    assert len(catalogue.rules) == len({r.id for r in catalogue.rules}) == 33
    assert set(catalogue.sources) == {"TMF622B", "TMF622-v4", "TMF630"}
    # The id says the source; TMF622B ids say the level too.
    for rule in catalogue.rules:
        assert rule.id.startswith(rule.source + "-")
        if rule.source == "TMF622B":
            assert rule.id.split("-")[1] == ("M" if rule.level is Level.EXTENDED_MANDATORY else "O")
    # PATCH, DELETE, cancel, hub and sub-resource filtering are optional in TMF622B.
    assert {r.id for r in optional} >= {
        "TMF622B-O-PATCH-MERGE",
        "TMF622B-O-DELETE-204",
        "TMF622-v4-CANCEL-201",
    }


def test_every_rule_has_exactly_one_check() -> None:
    # The registry also holds the v5 level's checks (test_extended5_catalogue pins the union).
    assert {r.id for r in load_catalogue().rules} <= set(CHECKS)
    assert all(r.check_name == r.id for r in load_catalogue().rules)


def test_probes_are_registered() -> None:
    assert {"create", "negative", "events", "unsubscribe"} <= set(PROBES)


def test_the_docs_list_every_check_with_its_rule_and_level() -> None:
    rows = [m.groupdict() for line in DOCS.read_text(encoding="utf-8").splitlines() if (m := ROW.match(line))]
    expected = [
        {
            "id": r.id,
            "level": r.level.removeprefix("extended-"),  # the catalogue's word: mandatory, optional
            "rule": r.rule,
            "source": f"{r.source}: {r.clause}",
        }
        for r in load_catalogue().rules
    ]
    assert rows == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("format: other/1\n", "not an extended catalogue"),
        ("format: tmf622-extended-rules/1\nrules: []\n", "`rules` must be a non-empty list"),
        (
            "format: tmf622-extended-rules/1\nsources: {S: s}\nrules:\n"
            "  - {id: S-X, level: maybe, source: S, clause: c, title: t, rule: r}\n",
            "level must be mandatory or optional, got 'maybe'",
        ),
        (
            "format: tmf622-extended-rules/1\nsources: {S: s}\nrules:\n"
            "  - {id: S-X, level: optional, source: T, clause: c, title: t, rule: r}\n",
            "source 'T' is not one of ['S']",
        ),
        (
            "format: tmf622-extended-rules/1\nsources: {S: s}\nrules:\n"
            "  - {id: S-X, level: optional, source: S, clause: c, title: t}\n",
            "needs non-empty strings rule",
        ),
        (
            "format: tmf622-extended-rules/1\nsources: {S: s}\nrules:\n"
            "  - {id: S-X, level: optional, source: S, clause: c, title: t, rule: r}\n"
            "  - {id: S-X, level: optional, source: S, clause: c, title: t, rule: r}\n",
            "duplicate rule ids ['S-X']",
        ),
        (
            "format: tmf622-extended-rules/1\nsources: {S: s}\nrules:\n"
            "  - {id: lower case, level: optional, source: S, clause: c, title: t, rule: r}\n",
            "must look like SOURCE-SUBJECT",
        ),
    ],
)
def test_a_bad_catalogue_is_refused_with_the_reason(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "extended-bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError, match=re.escape(message)):
        load_catalogue(path)
