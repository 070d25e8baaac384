"""Where hub callbacks may point: never at link-local or cloud metadata addresses, unless listed.

Anyone who may call the API may register a callback, and the mock then POSTs to it: on a shared
mock that is a way into the network the mock sits in. The rules (README, "Hub callbacks"):
- refused by default: link-local addresses (169.254.0.0/16, fe80::/10, where cloud metadata
  services answer), the metadata services' other addresses and names, unspecified, multicast and
  reserved addresses (also written IPv4-mapped or NAT64);
- allowed by default: loopback (a developer's listener next to the mock, as the project's own
  tests register) and private ranges (containers and CI runners reach their listeners there; a
  shared mock narrows them with the list below);
- `--callback-hosts` given: only the hosts it lists (names, `*.suffix`, addresses, CIDR ranges);
  a refused address is allowed only when an address or range of the list covers it.
A name is checked again when it is resolved for each delivery (`GuardedResolver`), so a name that
later resolves to a refused address (DNS rebinding) reaches nothing.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from typing import Any

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

#: Cloud metadata services outside 169.254.0.0/16 (Alibaba, Azure's wire server, AWS over IPv6).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(text) for text in ("100.100.100.200", "168.63.129.16", "fd00:ec2::254")
)
METADATA_NAMES = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "instance-data",
        "instance-data.ec2.internal",
        "metadata.tencentyun.com",
        "metadata.platformequinix.com",
    }
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class RefusedCallback(ValueError):
    """A callback host the rules refuse; the message says which rule and how to allow it."""


def address_of(host: str) -> Address | None:
    """`host` as an address, also in the shorthand IPv4 forms resolvers accept (`0xa9fea9fe`, `169.254.1`)."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, UnicodeError, ValueError):
        return None


def _embedded(address: Address) -> Address:
    """The IPv4 address inside an IPv4-mapped or NAT64 IPv6 address, else the address itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def refused_by_default(address: Address) -> str | None:
    """Why `address` is refused without a listing, or None."""
    address = _embedded(address)
    if address.is_loopback:  # before is_reserved: ::1 sits in the reserved ::/8
        return None
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if address.is_link_local:
        return "a link-local address (cloud metadata services answer there)"
    if address.is_unspecified or address.is_multicast or address.is_reserved:
        return "not a unicast address"
    return None


@dataclass(frozen=True)
class CallbackRules:
    """The default refusals, narrowed to `allowed` (names, `*.suffix`, addresses, ranges) when given."""

    allowed: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self._networks()  # ValueError now for an entry that looks like a range but is not one

    def _networks(self) -> list[Network]:
        return [ipaddress.ip_network(e.strip("[]"), strict=False) for e in self.allowed if _is_network(e)]

    def _names(self) -> list[str]:
        return [entry.lower().rstrip(".") for entry in self.allowed if not _is_network(entry)]

    def check(self, host: str) -> None:
        """RefusedCallback when a callback naming `host` may not be registered."""
        name, address = host.lower().rstrip("."), address_of(host)
        if self.allowed and not self._listed(name, address):
            raise RefusedCallback(f"callback host {host[:100]!r} is not in --callback-hosts")
        if name in METADATA_NAMES and name not in self._names():
            raise RefusedCallback(f"callback host {host[:100]!r} is a cloud metadata service")
        if address is not None and not self.address_allowed(address):
            why = refused_by_default(address)
            raise RefusedCallback(
                f"callback host {host[:100]!r} is {why}; list it in --callback-hosts to allow it"
            )

    def address_allowed(self, address: Address) -> bool:
        """May a delivery connect to `address` (a resolved one, or the callback's own)?"""
        if refused_by_default(address) is None:
            return True
        return any(_embedded(address) in net or address in net for net in self._networks())

    def _listed(self, name: str, address: Address | None) -> bool:
        if address is not None and any(address in net for net in self._networks()):
            return True
        return any(
            name == entry or (entry.startswith("*.") and name.endswith(entry[1:])) for entry in self._names()
        )


def _is_network(entry: str) -> bool:
    try:
        ipaddress.ip_network(entry.strip("[]"), strict=False)
    except ValueError:
        return False
    return True


class GuardedResolver(AbstractResolver):
    """aiohttp's resolver, keeping only the addresses the rules allow: checked at each connection,
    so a name cannot pass at registration and resolve to a metadata address later."""

    def __init__(self, rules: CallbackRules) -> None:
        self._rules = rules
        self._inner = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        kept = [result for result in found if self._allowed(result)]
        if not kept:
            raise OSError(f"callback host {host!r} resolves only to refused addresses (see --callback-hosts)")
        return kept

    def _allowed(self, result: dict[str, Any] | ResolveResult) -> bool:
        address = address_of(str(result["host"]))
        return address is None or self._rules.address_allowed(address)

    async def close(self) -> None:
        await self._inner.close()
