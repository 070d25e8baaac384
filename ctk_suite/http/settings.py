"""What the HTTP layer is given: the target, credentials as `Secret`s, headers, TLS, proxies, timeouts.

Configuration (`ctk_suite.config`) builds these from a profile (`Profile.http`); the HTTP layer reads
nothing else of the suite.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Literal

#: Seconds to wait for a connection, and between two bytes of an answer (`requests`' two timeouts).
DEFAULT_CONNECT_TIMEOUT_S = 10.0
DEFAULT_READ_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Secret:
    """A credential read from the environment; prints as *** so no repr or f-string can leak it."""

    env: str
    value: str = field(repr=False)

    def __str__(self) -> str:
        return "***"


@dataclass(frozen=True)
class NoAuth:
    type: Literal["none"] = "none"


@dataclass(frozen=True)
class BearerConfig:
    token: Secret
    type: Literal["bearer"] = "bearer"


@dataclass(frozen=True)
class OAuth2Config:
    """OAuth 2.0 client credentials grant (RFC 6749 section 4.4)."""

    token_url: str
    client_id: str
    client_secret: Secret
    scope: str | None = None
    audience: str | None = None
    client_auth: Literal["body", "basic"] = "body"  # RFC 6749 section 2.3.1: form fields or HTTP Basic
    type: Literal["oauth2"] = "oauth2"


@dataclass(frozen=True)
class ApiKeyConfig:
    api_key: Secret
    header: str = "X-API-Key"
    type: Literal["api_key"] = "api_key"


@dataclass(frozen=True)
class BasicConfig:
    username: str
    password: Secret
    type: Literal["basic"] = "basic"


AuthConfig = NoAuth | BearerConfig | OAuth2Config | ApiKeyConfig | BasicConfig


@dataclass(frozen=True)
class Tls:
    verify: bool = True
    ca_bundle: Path | None = None
    client_cert: Path | None = None
    client_key: Path | None = None


@dataclass(frozen=True)
class Timeouts:
    connect: float = DEFAULT_CONNECT_TIMEOUT_S
    read: float = DEFAULT_READ_TIMEOUT_S

    def as_requests(self) -> tuple[float, float]:
        """The `timeout=` argument of `requests`."""
        return (self.connect, self.read)


@dataclass(frozen=True)
class HttpSettings:
    """One deployment as the HTTP layer reaches it; `base_url` is None until the embedded mock runs."""

    base_url: str | None
    auth: AuthConfig = NoAuth()
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: Headers given on the command line, in the environment or ini (`--header`): credentials allowed.
    extra_headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), repr=False)
    tls: Tls = Tls()
    proxies: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    timeouts: Timeouts = Timeouts()

    @property
    def request_headers(self) -> dict[str, str]:
        """Sent with every request: the profile's headers, then the command line's on top."""
        return {**self.headers, **self.extra_headers}

    def secret_values(self) -> tuple[str, ...]:
        """The actual credential values, to register with a `SecretRegistry`."""
        values = (getattr(self.auth, f.name) for f in fields(self.auth))
        return tuple(value.value for value in values if isinstance(value, Secret))
