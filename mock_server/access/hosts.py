"""Where href and Location point: `--public-url`, else a Host header from the allowed list, never any Host.

A Host header is the client's to write: taken blindly, a forged one would be stored in `href` for
good and handed to every later reader. Without `--public-url`, only the names of `--allowed-hosts`
are written (loopback names when the list is empty); any other Host gets a 400 naming the fix.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from aiohttp import hdrs, web

from mock_server.config.settings import Settings
from mock_server.config.values import HOST
from mock_server.http.errors import bad_request

#: Allowed without configuration: they name this machine, so a client cannot point href elsewhere.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
_WILDCARDS = frozenset({"0.0.0.0", "::", "*"})  # noqa: S104 (names, compared, never bound here)


def is_loopback(host: str) -> bool:
    """`localhost`, 127.x.x.x or ::1: an address only this machine can reach."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    """`host:port` is allowed by an equal entry, or by a port-less entry of the same name."""
    wanted = host.lower()
    name = wanted.rsplit(":", 1)[0] if not wanted.endswith("]") else wanted
    return any(entry in {wanted, name} for entry in allowed or LOOPBACK_HOSTS)


def request_root(request: web.Request, settings: Settings) -> str:
    """`scheme://host[:port]` for this request's href and Location."""
    if settings.public_url is not None:
        return settings.public_url
    if hdrs.HOST not in request.headers:  # HTTP/1.0 may send none: aiohttp's `host` then has no port
        return arrival_root(request, settings)
    host = request.host
    refusal = host_refusal(host, settings.allowed_hosts)
    if refusal is not None:
        raise bad_request(refusal)
    return f"{request.scheme}://{host}"


@lru_cache(maxsize=64)  # clients send a handful of Host values; bounded, as the header is theirs
def host_refusal(host: str, allowed: tuple[str, ...]) -> str | None:
    """Why `host` may not be written into an href, or None when it may (asked on every POST)."""
    if not HOST.match(host):
        return f"Host header {host[:100]!r} is not a valid host[:port]"
    if not host_allowed(host, allowed):
        return (
            f"Host header {host[:100]!r} is not an allowed host; start the mock with --public-url "
            "or add it to --allowed-hosts"
        )
    return None


def arrival_root(request: web.Request, settings: Settings) -> str:
    """`scheme://address:port` of the socket the request arrived on (the mock's, not the client's
    to choose); the start root when the transport is gone."""
    sockname = request.transport.get_extra_info("sockname") if request.transport is not None else None
    if not isinstance(sockname, tuple):
        return start_root(settings)
    address = str(sockname[0])
    shown = f"[{address}]" if ":" in address else address
    return f"{request.scheme}://{shown}:{sockname[1]}"


def start_root(settings: Settings) -> str:
    """The root written before any request (seed files): the public URL, else the first allowed host,
    else the listening address (`localhost` for a wildcard), with the listening port when it names none.
    """
    if settings.public_url is not None:
        return settings.public_url
    if settings.allowed_hosts:
        host = settings.allowed_hosts[0]
    elif settings.host in _WILDCARDS:
        host = "localhost"
    else:
        host = f"[{settings.host}]" if ":" in settings.host else settings.host
    has_port = host.rsplit("]", 1)[-1].count(":") == 1
    return f"http://{host}" if has_port else f"http://{host}:{settings.port}"
