"""Mask secrets in everything the suite writes: headers, bodies, URLs, log records and free text."""

from __future__ import annotations

import base64
import json
import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import quote, quote_plus

MASK = "***"

#: A registered secret shorter than this is not searched for in free text: masking every "ab" would
#: make reports unreadable. Such a value is still masked in credential headers, token fields and URLs.
MIN_SECRET_LENGTH = 4

# Headers that carry credentials by definition: RFC 9110 section 11.6.2 and 11.7.2, RFC 6265 section 4.
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"})

#: Headers whose value a user may give (`--header`, profile `headers`) and that reports show in clear:
#: content negotiation and client identification carry no credential. Every other header value the user
#: gives is masked wherever it appears (docs/verdicts-and-credentials.md).
HARMLESS_HEADERS = frozenset(
    {
        "accept",
        "accept-charset",
        "accept-encoding",
        "accept-language",
        "cache-control",
        "content-type",
        "prefer",
        "user-agent",
    }
)

#: A base64 run of a secret shorter than this is not searched for: too short to tell from any other text.
_MIN_BASE64_CHARS = 8
#: How many times a secret may have been base64-encoded (inside larger data each time) and still be found:
#: a target that reflects the request head encoded, inside a cookie or token that is encoded again, is
#: caught at depth 2. Each level multiplies the patterns by six (three alignments, two alphabets).
BASE64_DEPTH = 2

# A JSON key, form field, query parameter or header whose name contains one of these holds a credential:
# access_token, refresh_token, id_token (RFC 6749 section 5.1), client_secret (section 2.3.1), password,
# apiKey, X-Auth-Token... No TMF622 v4 attribute name contains one of them.
_SECRET_WORD = r"(?:token|secret|password|passwd|api[_-]?key|credential)"  # noqa: S105 (names, not a secret)
_NAME_CHARS = r"[A-Za-z0-9_.\-]"
_SECRET_NAME = re.compile(rf"^{_NAME_CHARS}*{_SECRET_WORD}{_NAME_CHARS}*$", re.IGNORECASE)

_USERINFO = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^:/?#@\s]*):[^@/?#\s]*@")
_AUTH_SCHEME = re.compile(r"\b(?P<scheme>Bearer|Basic|Digest)\s+[A-Za-z0-9._~+/=\-]{8,}", re.IGNORECASE)
_QUOTED_VALUE = r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^,}\]\s]+)"""


def is_secret_name(name: str) -> bool:
    """True when a field, parameter or header called `name` holds a credential by its name alone."""
    return name.lower() in CREDENTIAL_HEADERS or _SECRET_NAME.match(name) is not None


class SecretRegistry:
    """The actual secret values of one run (tokens, passwords, client secrets) and extra credential headers.

    Values are registered when a profile is loaded and when a token is fetched; every writer then
    masks any occurrence of them, whatever the field, header or URL it turns up in.
    """

    def __init__(self, values: Iterable[str] = (), header_names: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        self._headers: set[str] = set()
        self._rules: _Rules | None = None
        for value in values:
            self.add(value)
        for name in header_names:
            self.add_header(name)

    def add(self, value: str | None) -> None:
        """Remember a secret value (ignored when empty)."""
        if value:
            with self._lock:
                self._values.add(value)
                self._rules = None

    def add_header(self, name: str) -> None:
        """Treat header `name` as a credential header (the configured API-key header, say)."""
        with self._lock:
            self._headers.add(name.lower())
            self._rules = None

    def is_credential_header(self, name: str) -> bool:
        """True when the value of header `name` must never be written."""
        return name.lower() in self._headers or is_secret_name(name)

    def rules(self) -> _Rules:
        """The compiled masking rules for the values and headers registered so far."""
        with self._lock:
            if self._rules is None:
                self._rules = _Rules(frozenset(self._values), frozenset(self._headers))
            return self._rules


class _Rules:
    """Regular expressions built once per registry state."""

    def __init__(self, values: frozenset[str], headers: frozenset[str]) -> None:
        variants = {form for value in values if len(value) >= MIN_SECRET_LENGTH for form in _encodings(value)}
        ordered = sorted(variants, key=len, reverse=True)  # longest first: a secret may contain another
        self.values = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        names = "|".join(
            [*map(re.escape, sorted(headers | CREDENTIAL_HEADERS)), rf"{_NAME_CHARS}*{_SECRET_WORD}"]
        )
        name = rf"(?:{names}){_NAME_CHARS}*"
        self.header_line = re.compile(
            rf"^(?P<head>[ \t]*{name}[ \t]*:[ \t]*)\S.*$", re.IGNORECASE | re.MULTILINE
        )
        self.quoted_pair = re.compile(
            rf"""(?P<head>(?P<q>["']){name}(?P=q)\s*:\s*){_QUOTED_VALUE}""", re.IGNORECASE
        )
        self.plain_pair = re.compile(rf"(?P<head>(?<![A-Za-z0-9_.\-]){name}=)[^&\s#\"',;]+", re.IGNORECASE)


def register_header(registry: SecretRegistry, name: str, value: str) -> None:
    """A header the user gave: masked by name and by value, unless it is one of HARMLESS_HEADERS.

    The last word is registered too: `Authorization: Token abc` travels as `abc` in other places.
    """
    if name.lower() in HARMLESS_HEADERS:
        return
    registry.add_header(name)
    registry.add(value)
    registry.add(value.rpartition(" ")[2])


def _encodings(value: str) -> set[str]:
    """The forms a secret takes in a URL, a query or form body (`+` for a space), a JSON string, base64."""
    forms = {
        value,
        # surrogatepass: a secret read from the environment may hold undecodable bytes (lone surrogates)
        quote(value, safe="", errors="surrogatepass"),
        quote(value, safe="-_.!~*'()", errors="surrogatepass"),  # JavaScript's encodeURIComponent
        quote_plus(value, safe="", errors="surrogatepass"),
        value.replace("\\", "\\\\").replace('"', '\\"'),
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        json.dumps(value).replace("/", "\\/")[1:-1],  # PHP and others escape the solidus
    }
    forms |= {_lower_hex(form) for form in forms if "%" in form}
    return forms | _nested_base64(value.encode("utf-8", errors="surrogatepass"))


def _nested_base64(raw: bytes) -> set[str]:
    """The base64 runs of `raw`, of those runs, ... up to BASE64_DEPTH levels, each also percent-encoded
    (a cookie or query carries `+`, `/` and `=` as `%2B`, `%2F`, `%3D`)."""
    found: set[str] = set()
    level = {raw}
    for _ in range(BASE64_DEPTH):
        level = {run.encode("ascii") for data in level for run in _base64_runs(data)}
        found |= {data.decode("ascii") for data in level}
    found |= {quote(run, safe="") for run in found if any(c in run for c in "+/")}
    return found | {_lower_hex(run) for run in found if "%" in run}


def _lower_hex(text: str) -> str:
    """`%2F` as `%2f`: RFC 3986 section 2.1 makes hex digits case-insensitive."""
    return re.sub(r"%[0-9A-F]{2}", lambda match: match[0].lower(), text)


def _base64_runs(raw: bytes) -> Iterator[str]:
    """The characters of base64 (standard and URL-safe) fixed by `raw` alone, wherever it sits in the
    encoded data: one run per alignment (0, 1 or 2 bytes before it in its 3-byte group), so a secret is
    found inside `Basic base64(user:password)` or any larger base64 blob, not only when encoded alone."""
    for offset in range(3):
        encoded = base64.b64encode(bytes(offset) + raw).decode("ascii")
        start = -(-offset * 4 // 3)  # the characters that mix in the bytes before it
        end = (offset + len(raw)) * 4 // 3  # the characters that would mix in the bytes after it
        run = encoded[start:end]
        if len(run) >= _MIN_BASE64_CHARS:
            yield run
            yield run.translate(str.maketrans("+/", "-_"))


def redact_text(text: str, registry: SecretRegistry | None = None) -> str:
    """Mask registered values, URL passwords, credential headers and token fields anywhere in `text`."""
    rules = (registry or _EMPTY).rules()
    if rules.values is not None:
        text = rules.values.sub(MASK, text)
    text = _USERINFO.sub(rf"\g<head>:{MASK}@", text)
    text = rules.header_line.sub(rf"\g<head>{MASK}", text)
    text = rules.quoted_pair.sub(rf'\g<head>"{MASK}"', text)
    text = rules.plain_pair.sub(rf"\g<head>{MASK}", text)
    return _AUTH_SCHEME.sub(rf"\g<scheme> {MASK}", text)


def redact_url(url: str, registry: SecretRegistry | None = None) -> str:
    """`url` without the password of its user-info, its token query parameters and any registered value."""
    return redact_text(url, registry)


def redact_headers(headers: Mapping[str, str], registry: SecretRegistry | None = None) -> dict[str, str]:
    """A copy of `headers` with credential headers masked and registered values masked in the others."""
    registry = registry or _EMPTY
    return {
        name: MASK if registry.is_credential_header(name) else redact_text(value, registry)
        for name, value in headers.items()
    }


def redact_json(value: Any, registry: SecretRegistry | None = None) -> Any:
    """A deep copy of a JSON value with the values of credential keys masked, whatever their type."""
    registry = registry or _EMPTY
    if isinstance(value, Mapping):
        return {
            key: MASK if registry.is_credential_header(str(key)) else redact_json(item, registry)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact_json(item, registry) for item in value]
    if isinstance(value, str):
        return redact_text(value, registry)
    return value


def redact_body(body: bytes | str | None, registry: SecretRegistry | None = None) -> str:
    """A request or response body as text, masked; the layout is kept so reports show what was sent."""
    if body is None:
        return ""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    return redact_text(text, registry)


class RedactingFilter(logging.Filter):
    """A logging filter that masks secrets in the message, its arguments and any traceback text."""

    def __init__(self, registry: SecretRegistry) -> None:
        super().__init__()
        self._registry = registry

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite `record` in place; never drops it."""
        record.msg = redact_text(_message(record), self._registry)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text, self._registry)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info, self._registry)
        return True


def _message(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except (TypeError, ValueError):  # bad %-arguments: keep both parts, masked, rather than fail
        return f"{record.msg} {record.args!r}"


def install_log_redaction(registry: SecretRegistry) -> Callable[[], None]:
    """Pass every log record created from now on through a `RedactingFilter`; returns the undo function.

    A filter on a logger only sees records logged on that very logger, and pytest adds its capture
    handlers per test, so the filter is applied where every record is born: the record factory.
    """
    previous = logging.getLogRecordFactory()
    redacting = RedactingFilter(registry)

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        redacting.filter(record)
        return record

    logging.setLogRecordFactory(factory)

    def uninstall() -> None:
        if logging.getLogRecordFactory() is factory:
            logging.setLogRecordFactory(previous)

    return uninstall


class RedactingStream:
    """A text stream that masks the registered secrets in everything written through it.

    pytest's terminal writer goes through one: whatever pytest prints (a traceback with `--full-trace` or
    `-l`, an interrupted run's frames with their arguments, captured logs, an INTERNALERROR) is masked,
    whatever object it came from. Every other attribute is the wrapped stream's.
    """

    def __init__(self, stream: Any, registry: SecretRegistry) -> None:
        self._stream = stream
        self._registry = registry

    def write(self, text: str) -> int:
        """Write `text` masked; returns the length of `text`, as the caller expects."""
        self._stream.write(redact_text(text, self._registry))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


_EMPTY = SecretRegistry()
