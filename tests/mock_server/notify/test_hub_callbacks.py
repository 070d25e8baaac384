"""Where hub callbacks may point, and how many a hub keeps (issue 18, items 2 and 6), over real HTTP.

On a shared mock anyone with API credentials registers callbacks, and the mock POSTs to them.
"""

from __future__ import annotations

import asyncio
import socket
from typing import TYPE_CHECKING, Any

import pytest

from mock_server.keys import CHANNELS_KEY, HUB_KEY
from mock_server.notify.callbacks import CallbackRules, GuardedResolver
from mock_server.versions.tmf622_v5.resources import NAME as V5_CHANNEL
from tests.support.mock.mock_helpers import TIMEOUT_S, Api, assert_error
from tests.support.mock.v5_helpers import v5_url

if TYPE_CHECKING:  # the module named conftest differs by rootdir/import order: annotations only
    from conftest import ApiFactory

REFUSED = [
    "http://169.254.169.254/latest/meta-data",
    "http://[fe80::1]:8080/listener",
    "http://metadata.google.internal/computeMetadata/v1",
    "http://[::ffff:169.254.169.254]/x",
    "http://0xa9fea9fe/x",  # 169.254.169.254 as a resolver reads it
    "http://[fd00:ec2::254]/x",
    "http://0.0.0.0:9/x",
]


def subscribe(api: Api, callback: str, version: str = "v4") -> Any:
    if version == "v4":
        return api.http.post(api.url("hub"), json={"callback": callback}, timeout=TIMEOUT_S)
    body = {"@type": "Hub", "callback": callback}
    return api.http.post(v5_url(api, "hub"), json=body, timeout=TIMEOUT_S)


@pytest.mark.parametrize("callback", REFUSED)
def test_link_local_and_metadata_callbacks_are_refused_by_default(api: Api, callback: str) -> None:
    for version in ("v4", "v5"):
        assert_error(subscribe(api, callback, version), 403, "callback host")
    assert len(api.app[HUB_KEY]) == len(api.app[CHANNELS_KEY][V5_CHANNEL].hub) == 0


def test_loopback_and_private_callbacks_are_allowed_by_default(api: Api) -> None:
    """The project's own tests and a developer's listener sit on loopback; containers on private ranges."""
    for callback in (
        "http://127.0.0.1:9/client",
        "http://localhost:9/c",
        "http://[::1]:9/c",
        "http://10.1.2.3/c",
    ):
        assert subscribe(api, callback).status_code == 201, callback


def test_callback_hosts_lists_the_only_hosts_allowed(make_api: ApiFactory) -> None:
    api = make_api(callback_hosts=("listener.example", "*.ctk.example", "169.254.10.0/24"))
    for callback in ("http://listener.example/c", "http://a.ctk.example:8080/c", "http://169.254.10.7/c"):
        assert subscribe(api, callback).status_code == 201, callback
    for callback in ("http://127.0.0.1:9/client", "http://169.254.169.254/", "http://ctk.example/c"):
        assert_error(subscribe(api, callback), 403, "not in --callback-hosts")


def test_a_name_that_resolves_to_a_refused_address_reaches_nothing() -> None:
    """Checked again at each connection: a name that passed registration cannot rebind to metadata."""

    class Rebinding:
        async def resolve(
            self, host: str, port: int = 0, family: int = socket.AF_INET
        ) -> list[dict[str, Any]]:
            return [
                {
                    "hostname": host,
                    "host": "169.254.169.254",
                    "port": port,
                    "family": family,
                    "proto": 0,
                    "flags": 0,
                }
            ]

        async def close(self) -> None:
            return None

    async def resolve(rules: CallbackRules) -> Any:
        resolver = GuardedResolver(rules)
        resolver._inner = Rebinding()  # type: ignore[assignment]
        return await resolver.resolve("listener.example", 80)

    with pytest.raises(OSError, match="resolves only to refused addresses"):
        asyncio.run(resolve(CallbackRules()))
    assert asyncio.run(resolve(CallbackRules(("listener.example", "169.254.169.254"))))[0]["port"] == 80


def test_a_full_hub_answers_409_until_one_is_unregistered(make_api: ApiFactory) -> None:
    api = make_api(max_subscriptions=2)
    made = [subscribe(api, f"http://127.0.0.1:9/c{n}") for n in range(2)]
    assert [response.status_code for response in made] == [201, 201]
    assert_error(subscribe(api, "http://127.0.0.1:9/c3"), 409, "--max-subscriptions")
    assert api.http.delete(api.url(f"hub/{made[0].json()['id']}"), timeout=TIMEOUT_S).status_code == 204
    assert subscribe(api, "http://127.0.0.1:9/c3").status_code == 201
