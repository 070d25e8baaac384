"""Injection attempts and huge query strings on the list operations: never a 5xx, never a data leak.

A filter is data, not code (TMF630): `?id=' OR 1=1 --` selects the orders whose id is that
string, i.e. none. `fields` names attributes; unknown names change nothing. What cannot mean
anything is refused with a 400 TMF Error: a date-time compared with a non-date, an operator after
an operator, a sort on an attribute the resource lacks. Run on both stores (see the `seeded_mock`
fixture): the SQLite store is where an injection would bite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pytest

from tests.support.hardening.raw_http import JSON_CONTENT_TYPE, Answer, assert_tmf_error, send
from tests.support.hardening.seeded import SeededMock

#: aiohttp reads at most this many bytes of request line or of one header before the app runs.
PARSER_LIMIT = 8190


@dataclass(frozen=True)
class Probe:
    """A list query and what it may select: nothing, exactly what the plain list shows, or a 400."""

    name: str
    query: str
    selects: Literal["nothing", "everything", "refused"]


PROBES = [
    Probe("SQL tautology", "id=%27%20OR%201%3D1%20--", "nothing"),
    Probe("SQL tautology, quoted", "state=acknowledged%27%20OR%20%271%27%3D%271", "nothing"),
    Probe("SQL stacked DROP", "id=1%3BDROP%20TABLE%20productOrder%3B--", "nothing"),
    Probe("SQL union", "externalId=x%27%20UNION%20SELECT%20*%20FROM%20sqlite_master--", "nothing"),
    Probe("SQL comment in a name", "id--=1", "nothing"),
    Probe("SQL in an attribute name", "id%3D1%20OR%201%3D1--=x", "nothing"),
    Probe("SQL in a comparison", "orderDate.gt=0%27%20OR%20%271%27%3D%271", "refused"),
    Probe("SQL wildcard", "id=%25", "nothing"),
    Probe("glob wildcard", "id=*", "nothing"),
    Probe("JS in a value", "description=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "nothing"),
    Probe("JS expression", "id=1%3Bprocess.exit()", "nothing"),
    Probe("NoSQL operator", "externalId%5B%24ne%5D=x", "nothing"),
    Probe("NoSQL where", "%24where=1%3D%3D1", "nothing"),
    Probe("__proto__ bracket", "__proto__%5Bpolluted%5D=1", "nothing"),
    Probe("__proto__ dotted", "__proto__.polluted=1", "nothing"),
    Probe("constructor.prototype", "constructor.prototype.polluted=1", "nothing"),
    Probe("__class__ walk", "__class__.__init__.__globals__=x", "nothing"),
    Probe("NUL in a value", "id=%00", "nothing"),
    Probe("surrogate in a value", "id=%ED%A0%80", "nothing"),
    Probe("empty dotted name", "..=1", "nothing"),
    Probe("operator on operator", "id.eq.gt=1", "refused"),
    Probe("many filters", "&".join(f"f{i}=v" for i in range(500)), "nothing"),
    Probe("huge value", "description=" + "x" * 7_800, "nothing"),
    Probe("huge comma list", "id=" + ",".join("x" * 3 for _ in range(1_900)), "nothing"),
    Probe("sort injection", "sort=id%3BDROP%20TABLE%20productOrder", "refused"),
    Probe("sort on __proto__", "sort=__proto__,-constructor.prototype", "refused"),
    Probe("SQL in a symbolic comparison", "orderDate%3E=0%27%20OR%20%271%27%3D%271", "refused"),
    Probe("SQL as an operator", "id%20OR%201%3D1--%3C%3E=x", "refused"),
    Probe("fields injection", "fields=id%27%20OR%201%3D1", "everything"),
    Probe("fields on __proto__", "fields=__proto__,constructor", "everything"),
    Probe("fields star", "fields=*", "everything"),
]


def ids(answer: Answer) -> list[str]:
    assert answer.status == 200, answer.body[:500]
    assert answer.headers["Content-Type"] == JSON_CONTENT_TYPE
    return [resource["id"] for resource in answer.json()]


@pytest.mark.parametrize("probe", PROBES, ids=[probe.name for probe in PROBES])
def test_query_injection_selects_no_more_than_it_should(seeded_mock: SeededMock, probe: Probe) -> None:
    before = seeded_mock.snapshot()
    everything = [order["id"] for order in before["productOrder"]]
    answer = send(seeded_mock.url, "GET", f"/productOrder?{probe.query}")
    if probe.selects == "refused":
        assert_tmf_error(answer, 400, "Query parameter")
        assert seeded_mock.snapshot() == before
        return
    assert ids(answer) == ([] if probe.selects == "nothing" else everything)
    assert answer.headers["X-Total-Count"] == str(0 if probe.selects == "nothing" else len(everything))
    if probe.query.startswith("fields="):
        assert all(set(order) <= {"id", "href"} for order in answer.json())
    assert seeded_mock.snapshot() == before


def test_probe_names_are_unique() -> None:
    assert len({probe.name for probe in PROBES}) == len(PROBES)


@pytest.mark.parametrize(
    ("name", "target", "headers"),
    [
        ("query", "/productOrder?description=" + "x" * (2 * PARSER_LIMIT), {}),
        ("path", "/productOrder/" + "a" * (2 * PARSER_LIMIT), {}),
        ("header", "/productOrder", {"X-Padding": "x" * (2 * PARSER_LIMIT)}),
    ],
)
def test_request_over_the_parser_limit_gets_a_tmf_error(
    seeded_mock: SeededMock, name: str, target: str, headers: dict[str, str]
) -> None:
    """aiohttp refuses a request line or header over 8190 bytes before the app and its error
    middleware run; the server around the app (mock_server.http.server) answers a TMF Error.
    """
    before = seeded_mock.snapshot()
    answer = send(seeded_mock.url, "GET", target, headers=headers)
    assert 400 <= answer.status < 500, name
    assert_tmf_error(answer, answer.status)
    assert seeded_mock.snapshot() == before


@pytest.mark.parametrize(
    "target",
    ["/productOrder?description=" + "x" * (2 * PARSER_LIMIT), "/productOrder/" + "a" * (2 * PARSER_LIMIT)],
)
def test_request_over_the_parser_limit_is_refused_without_a_server_error(
    seeded_mock: SeededMock, target: str
) -> None:
    """A 4xx, no stack trace, nothing stored."""
    before = seeded_mock.snapshot()
    answer = send(seeded_mock.url, "GET", target)
    assert 400 <= answer.status < 500
    assert b"Traceback" not in answer.body
    assert seeded_mock.snapshot() == before
