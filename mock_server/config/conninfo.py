"""libpq connection strings without their secrets: what errors, logs and the 503 body may show.

A PostgreSQL password can sit in four places of a connection string (libpq, "Connection Strings"):
the URL's user info (`postgresql://user:secret@host`), a URL query parameter (`?password=secret`),
a key=value conninfo (`password=secret`, `password = 'se cret'`), and the same for the other secret
parameters (`sslpassword`, the key file's passphrase). Every one of them is replaced by `***`, and
`scrub` removes the values themselves from any text (a driver's error may quote a fragment of the
string it could not parse).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

MASK = "***"
#: libpq parameters whose value is a secret (lower case), in URL queries and key=value strings alike.
SECRET_PARAMS = frozenset({"password", "sslpassword", "oauth_client_secret"})
URL_SCHEMES = ("postgresql://", "postgres://")
#: Shorter values are not searched for in free text: "a" would mask every "a" of a message.
MIN_SCRUBBED = 3

#: One `key = value` of a key=value conninfo: a single-quoted value (backslash escapes) or a bare word.
_PAIR = re.compile(r"(?P<key>[A-Za-z_]\w*)(?P<eq>\s*=\s*)(?P<value>'(?:[^'\\]|\\.)*'?|\S*)", re.DOTALL)


def _is_url(text: str) -> bool:
    return text.lstrip().lower().startswith(URL_SCHEMES)


def _split_url(url: str) -> tuple[str, str, str, str]:
    """(scheme://, user info, the rest up to the query, query): user info ends at the first `@` before
    any `/`, as libpq reads it; the query starts at the first `?` after it."""
    scheme, _, rest = url.partition("://")
    cut = min((i for i in (rest.find("@"), rest.find("/")) if i >= 0), default=-1)
    userinfo = ""
    if cut >= 0 and rest[cut] == "@":
        userinfo, rest = rest[:cut], rest[cut + 1 :]
    place, _, query = rest.partition("?")
    return f"{scheme}://", userinfo, place, query


def _secret_query_values(query: str) -> list[tuple[int, int]]:
    """Spans (start, end) of the values of secret parameters in a URL query."""
    spans, start = [], 0
    for part in query.split("&"):
        key, eq, _ = part.partition("=")
        if eq and unquote(key).strip().lower() in SECRET_PARAMS:
            spans.append((start + len(key) + 1, start + len(part)))
        start += len(part) + 1
    return spans


def _masked_spans(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in reversed(spans):
        text = f"{text[:start]}{MASK}{text[end:]}"
    return text


def redacted(conninfo: str) -> str:
    """`conninfo` (URL or key=value) with every secret replaced by `***`; the rest kept as written."""
    if _is_url(conninfo):
        scheme, userinfo, place, query = _split_url(conninfo.strip())
        if userinfo:
            user, colon, _ = userinfo.partition(":")
            userinfo = f"{user}:{MASK}@" if colon else f"{user}@"
        shown_query = f"?{_masked_spans(query, _secret_query_values(query))}" if query else ""
        return scrub(f"{scheme}{userinfo}{place}{shown_query}", conninfo)
    spans = [m.span("value") for m in _PAIR.finditer(conninfo) if m["key"].lower() in SECRET_PARAMS]
    return _masked_spans(conninfo, spans)


def secrets_of(conninfo: str) -> list[str]:
    """Every secret value in `conninfo`, as written and as libpq decodes it (percent, quotes)."""
    found: list[str] = []
    if _is_url(conninfo):
        _, userinfo, _, query = _split_url(conninfo.strip())
        _, colon, password = userinfo.partition(":")
        if colon:
            found.append(password)
        naive_query = conninfo.partition("?")[2]  # a `?` inside the user info: libpq reads a user name
        for part in (query, naive_query):
            found.extend(part[start:end] for start, end in _secret_query_values(part))
        found += [unquote(value) for value in found]
    else:
        for match in _PAIR.finditer(conninfo):
            if match["key"].lower() in SECRET_PARAMS:
                value = match["value"]
                found += [value, re.sub(r"\\(.)", r"\1", value.strip("'"))]
    found += [word for value in found for word in value.split()]  # an error may quote one word of it
    return sorted({value for value in found if len(value) >= MIN_SCRUBBED}, key=len, reverse=True)


def scrub(text: str, conninfo: str) -> str:
    """`text` (an error message, a log line) with every secret of `conninfo` replaced by `***`."""
    for value in secrets_of(conninfo):
        text = text.replace(value, MASK)
    return text
