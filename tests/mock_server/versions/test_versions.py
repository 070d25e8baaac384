"""Every registered API version plug-in gets the core's store contract and event-once routing.

The list comes from the registry (`mock_server.versions.VERSIONS`), so a version added as a folder
is covered here without a line of this file changing: on each store its collections keep resources
apart from every other version's, a write's version check holds, and an event about a resource of
its collections reaches its own channel's listeners once (through the outbox on PostgreSQL), never
another version's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from mock_server.domain.events import publish_all
from mock_server.keys import CHANNELS_KEY, VERSIONS_KEY
from mock_server.plugin import ApiVersion
from mock_server.store.base import Event, Stored, WriteConflict, read
from mock_server.store.query import Query
from mock_server.versions import VERSIONS
from tests.support.mock.listener_helpers import listening
from tests.support.mock.mock_helpers import Api

if TYPE_CHECKING:  # the module named conftest differs by rootdir/import order: annotations only
    from conftest import ApiFactory

VERSION_NAMES = [version.name for version in VERSIONS]


def _version(name: str) -> ApiVersion:
    return next(version for version in VERSIONS if version.name == name)


def test_the_registry_lists_both_tmf622_versions_each_once_with_its_own_collections_and_controls() -> None:
    assert [version.label for version in VERSIONS] == ["v4", "v5"]  # v4 first: the default API
    assert len(set(VERSION_NAMES)) == len(VERSIONS)
    collections = [collection for version in VERSIONS for collection in version.collections]
    assert len(collections) == len(set(collections))
    assert len({version.control_name for version in VERSIONS}) == len(VERSIONS)
    assert len({version.seed_section for version in VERSIONS}) == len(VERSIONS)


def test_every_registered_version_is_served_by_default(api: Api) -> None:
    assert [version.name for version, _ in api.app[VERSIONS_KEY]] == VERSION_NAMES
    assert set(api.app[CHANNELS_KEY]) == set(VERSION_NAMES)


@pytest.mark.parametrize("name", VERSION_NAMES)
def test_the_store_contract_holds_for_each_collection_of_a_version(api: Api, name: str) -> None:
    for collection in _version(name).collections:
        api.run(_store_contract(api, collection))


def _other_collections(collection: Any) -> list[Any]:
    return [other for version in VERSIONS for other in version.collections if other != collection]


async def _store_contract(api: Api, collection: Any) -> None:
    store = api.store
    resource = {"id": "plug-1", "state": "acknowledged", "n": 0}
    await store.add(collection, resource)
    found = await store.get(collection, "plug-1")
    assert found is not None
    assert found.resource() == resource
    for other in _other_collections(collection):  # kept apart from every other version's
        assert await store.get(other, "plug-1") is None
    assert await store.replace(collection, {**resource, "n": 1}, expected=found)
    stale: Stored = found
    if stale.version is not None:  # a store that suspends between read and write checks versions
        with pytest.raises(WriteConflict):
            await store.replace(collection, {**resource, "n": 2}, expected=stale)
    assert await read(store, collection, "plug-1") == {**resource, "n": 1}
    assert (await store.query(collection, Query(limit=0))).total == 1
    assert await store.delete(collection, "plug-1")
    assert await store.get(collection, "plug-1") is None


@pytest.mark.parametrize("name", VERSION_NAMES)
def test_an_event_about_a_version_resource_reaches_its_channel_once(make_api: ApiFactory, name: str) -> None:
    api = make_api(notify_backoff_s=0)
    version = _version(name)
    channel = api.app[CHANNELS_KEY][name]
    elsewhere = [api.app[CHANNELS_KEY][other] for other in VERSION_NAMES if other != name]
    with listening() as mine, listening() as others:
        api.run(channel.hub.add(f"{mine.root}/client"))
        for other in elsewhere:
            api.run(other.hub.add(f"{others.root}/client"))
        for number, collection in enumerate(version.collections):
            api.run(_write_with_event(api, name, collection, f"plug-{number}"))
        marker = f"plug-{len(version.collections)}"
        api.run(_write_with_event(api, name, version.collections[0], marker))
        received = mine.until(lambda envelope: _about(envelope) == marker)
        assert others.received.empty()
    assert [_about(envelope) for envelope in received] == [
        f"plug-{number}" for number in range(len(version.collections) + 1)
    ]


async def _write_with_event(api: Api, name: str, collection: Any, resource_id: str) -> None:
    """What a version's create handler does: the write takes its event, then the channel gets it."""
    resource = {"id": resource_id, "state": "acknowledged"}
    announced = [Event("ProductOrderCreateEvent")]
    await api.store.add(collection, resource, announced)
    publish_all(api.app[CHANNELS_KEY][name].events, resource, announced)


def _about(envelope: dict[str, Any]) -> str:
    return str(next(iter(envelope["event"].values()))["id"])
