"""JSON in and out: the orjson fast paths read and write exactly what the stdlib paths do.

`parse_json` tries orjson first and falls back to the stdlib reading (`_parse_exactly`) for anything
orjson refuses or could read inexactly; `dump_json` falls back to `json.dumps`. Both fast paths must
be invisible: same values, same refusals, same error messages.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.http.bodies import MAX_DEPTH, _parse_exactly, parse_json
from mock_server.http.errors import ApiError
from mock_server.http.responses import dump_json

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)


def outcome(parse: Any, raw: bytes) -> tuple[str, Any]:
    """("value", decoded) or ("error <status>", the error's message)."""
    try:
        return "value", parse(raw)
    except ApiError as exc:
        return f"error {exc.status}", exc.message


def same_json(left: Any, right: Any) -> bool:
    """Equal, with int/float/bool told apart (1 == 1.0 == True in Python, not in JSON)."""
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(same_json(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(same_json, left, right))
    return type(left) is type(right) and left == right


@settings(max_examples=300, deadline=None)
@given(value=json_values, ascii_only=st.booleans())
def test_any_json_document_reads_the_same_on_both_paths(value: Any, ascii_only: bool) -> None:
    raw = json.dumps(value, ensure_ascii=ascii_only).encode("utf-8")
    assert same_json(parse_json(raw), _parse_exactly(raw))
    assert same_json(parse_json(raw), value)


@settings(max_examples=300, deadline=None)
@given(
    raw=st.binary(max_size=40)
    | st.text(alphabet='{}[]",:0123456789.eE-+ntrufalsx\\ud8', max_size=40).map(str.encode)
)
def test_any_bytes_get_the_same_verdict_on_both_paths(raw: bytes) -> None:
    fast, exact = outcome(parse_json, raw), outcome(_parse_exactly, raw)
    assert fast[0] == exact[0]
    assert fast[0] == "error 400" or same_json(fast[1], exact[1])


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (b'{"a": "\\ud800"}', "lone UTF-16 surrogate"),
        (b'{"\\udfff": 1}', "lone UTF-16 surrogate"),
        (b'["\\udc00\\ud800"]', "lone UTF-16 surrogate"),
        (b'"\\ud800\\u0041"', "lone UTF-16 surrogate"),
        (b'{"a": "\xed\xa0\x80"}', "can't decode byte 0xed"),
        (b'{"a": "\xff"}', "can't decode byte 0xff"),
        (b'{"a": NaN}', "NaN is not valid JSON"),
        (b'{"a": -Infinity}', "-Infinity is not valid JSON"),
        (b'{"a": 1e400}', "number 1e400 is out of range"),
        (b"\xef\xbb\xbf\xef\xbb\xbf{}", "Body is not valid JSON"),
        (b"", "Body is not valid JSON: Expecting value"),
        (b'{"a": 1} x', "Extra data"),
    ],
)
def test_refusals_keep_their_messages(raw: bytes, fragment: str) -> None:
    verdict, message = outcome(parse_json, raw)
    assert verdict == "error 400"
    assert fragment in message
    assert message == outcome(_parse_exactly, raw)[1]


@pytest.mark.parametrize(
    "raw",
    [
        b'{"quantity": 100000000000000000000000}',
        b'{"quantity": -9223372036854775809}',
        b'{"quantity": 18446744073709551616}',
        b"[123456789012345678901234567890.5, 1e22, 5e-324, -0.0]",
    ],
)
def test_long_numbers_stay_exact(raw: bytes) -> None:
    """orjson would read integers past 64 bits as floats; the stdlib reading keeps them."""
    assert same_json(parse_json(raw), json.loads(raw))


def test_a_leading_byte_order_mark_is_ignored_on_both_paths() -> None:
    assert parse_json(b'\xef\xbb\xbf{"a": [1]}') == {"a": [1]}
    assert parse_json(b'\xef\xbb\xbf{"a": 100000000000000000000000}') == {"a": 10**23}


@pytest.mark.parametrize(
    ("depth", "padding"), [(MAX_DEPTH, ""), (MAX_DEPTH + 1, ""), (MAX_DEPTH, "[" * 80), (2000, "")]
)
def test_nesting_limit_is_exact(depth: int, padding: str) -> None:
    """`depth` levels counting the innermost value; brackets inside strings do not count."""
    document = json.dumps(padding)
    for _ in range(depth - 1):
        document = f"[{document}]"
    verdict, message = outcome(parse_json, document.encode())
    if depth <= MAX_DEPTH:
        assert verdict == "value"
    else:
        assert (verdict, message) == ("error 400", f"Body nests deeper than {MAX_DEPTH} levels")


@settings(max_examples=300, deadline=None)
@given(value=json_values)
def test_any_json_value_is_written_as_the_stdlib_would_read_it(value: Any) -> None:
    assert same_json(json.loads(dump_json(value)), value)


def test_what_orjson_refuses_to_write_the_stdlib_writes() -> None:
    assert json.loads(dump_json({"big": 2**70, 1: "one"})) == {"big": 2**70, "1": "one"}
    assert dump_json({"a": "é"}) == '{"a":"é"}'.encode()


def test_a_lone_surrogate_is_never_written() -> None:
    with pytest.raises(UnicodeEncodeError):
        dump_json({"a": "\ud800"})
