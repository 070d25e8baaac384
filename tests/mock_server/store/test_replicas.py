"""Several mock processes on one PostgreSQL: shared orders, no lost PATCH, each event delivered once.

Real processes (`python -m mock_server --store postgresql://...`) on their own ports, real HTTP.
"""

from __future__ import annotations

import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

from mock_server.__main__ import parse_settings
from mock_server.store.base import read
from mock_server.store.sqlite import SqliteStore
from tests.support.mock.listener_helpers import Listener, listening
from tests.support.mock.load import CLIENTS, TARGET, Load
from tests.support.mock.pg_helpers import Cluster

READY = re.compile(r"^tmf622-mock listening on (?P<url>http://\S+) \(ready in [^)]*\)$")
TIMEOUT_S = 20
#: Two processes starting together on a loaded 2-core machine took 18-21 s to print their ready
#: lines (main's code and this one alike): the start gets more room than a request.
READY_TIMEOUT_S = 60
JSON_PATCH = {"Content-Type": "application/json-patch+json"}
ITEM = [{"id": "1", "action": "add"}]
V5_ITEM = {
    "id": "1",
    "action": "add",
    "@type": "ProductOrderItem",
    "productOffering": {"id": "po-1", "@type": "ProductOfferingRef"},
}


@contextmanager
def mock_processes(*commands: tuple[str, ...]) -> Iterator[list[tuple[subprocess.Popen[str], str]]]:
    """`python -m mock_server --port 0 ARGS` for each ARGS, started together: (process, API base URL)
    of each once all listen; stopped after."""
    with ExitStack() as stack:
        started = [stack.enter_context(_started(args)) for args in commands]
        yield [(process, _ready_url(process, lines)) for process, lines in started]


@contextmanager
def mock_process(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    with mock_processes(args) as [started]:
        yield started


@contextmanager
def _started(args: tuple[str, ...]) -> Iterator[tuple[subprocess.Popen[str], queue.Queue[str]]]:
    command = [sys.executable, "-m", "mock_server", "--port", "0", *args]
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True)
        assert process.stdout is not None
        stdout, lines = process.stdout, queue.Queue[str]()
        reader = threading.Thread(target=lambda: [lines.put(line.strip()) for line in stdout], daemon=True)
        reader.start()
        try:
            yield process, lines
        except BaseException:
            errors.seek(0)
            print(errors.read()[-3000:], file=sys.stderr)
            raise
        finally:
            if process.poll() is None:
                process.terminate()
            process.wait(timeout=TIMEOUT_S)
            reader.join(TIMEOUT_S)
            stdout.close()


def _ready_url(process: subprocess.Popen[str], lines: queue.Queue[str]) -> str:
    try:
        line = lines.get(timeout=READY_TIMEOUT_S)
    except queue.Empty:
        pytest.fail(f"no ready line from {process.args}")
    match = READY.match(line)
    assert match, line
    return match["url"]


@pytest.fixture(scope="module")
def two_replicas(pg_cluster: Cluster) -> Iterator[tuple[str, str]]:
    """Two mock processes on one fresh schema: (A's base URL, B's base URL), shared by this module."""
    schema = pg_cluster.new_schema()
    args = ("--store", pg_cluster.url(schema), "--notify-backoff", "0")
    with mock_processes(args, args) as [(_, a), (_, b)]:
        yield a, b
    pg_cluster.drop_schema(schema)


def create(base: str, **extra: Any) -> dict[str, Any]:
    response = requests.post(
        f"{base}/productOrder", json={"productOrderItem": ITEM, **extra}, timeout=TIMEOUT_S
    )
    assert response.status_code == 201, response.text
    order: dict[str, Any] = response.json()
    return order


def resource_of(envelope: dict[str, Any]) -> dict[str, Any]:
    resource: dict[str, Any] = next(iter(envelope["event"].values()))
    return resource


def test_an_order_made_on_one_replica_is_read_changed_cancelled_and_deleted_on_the_other(
    two_replicas: tuple[str, str],
) -> None:
    a, b = two_replicas
    order = create(a, description="made on A", externalId="cross-replica")
    assert requests.get(f"{b}/productOrder/{order['id']}", timeout=TIMEOUT_S).json() == order
    listed = requests.get(f"{b}/productOrder", params={"externalId": "cross-replica"}, timeout=TIMEOUT_S)
    assert [o["id"] for o in listed.json()] == [order["id"]]
    assert listed.headers["X-Total-Count"] == "1"

    patch = [{"op": "replace", "path": "/description", "value": "changed on B"}]
    patched = requests.patch(
        f"{b}/productOrder/{order['id']}", json=patch, headers=JSON_PATCH, timeout=TIMEOUT_S
    )
    assert patched.status_code == 200, patched.text
    assert (
        requests.get(f"{a}/productOrder/{order['id']}", timeout=TIMEOUT_S).json()["description"]
        == "changed on B"
    )

    cancel = {"productOrder": {"id": order["id"], "href": order["href"]}, "cancellationReason": "test"}
    cancelled = requests.post(f"{b}/cancelProductOrder", json=cancel, timeout=TIMEOUT_S)
    assert cancelled.status_code == 201, cancelled.text
    task = requests.get(f"{a}/cancelProductOrder/{cancelled.json()['id']}", timeout=TIMEOUT_S)
    assert task.status_code == 200

    assert requests.delete(f"{b}/productOrder/{order['id']}", timeout=TIMEOUT_S).status_code == 204
    assert requests.get(f"{a}/productOrder/{order['id']}", timeout=TIMEOUT_S).status_code == 404


def test_concurrent_patches_through_both_replicas_lose_nothing(two_replicas: tuple[str, str]) -> None:
    a, b = two_replicas
    order = create(a, note=[])
    url = f"/productOrder/{order['id']}"

    def add_note(n: int) -> int:
        body = [{"op": "add", "path": "/note/-", "value": {"text": f"note {n}"}}]
        base = (a, b)[n % 2]
        return requests.patch(f"{base}{url}", json=body, headers=JSON_PATCH, timeout=TIMEOUT_S).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(add_note, range(60)))
    assert statuses == [200] * 60
    notes = requests.get(f"{b}{url}", timeout=TIMEOUT_S).json()["note"]
    assert sorted(note["text"] for note in notes) == sorted(f"note {n}" for n in range(60))


def test_a_subscription_made_on_one_replica_gets_each_event_once(two_replicas: tuple[str, str]) -> None:
    a, b = two_replicas
    with listening() as listener:
        hub = requests.post(f"{a}/hub", json={"callback": f"{listener.root}/client"}, timeout=TIMEOUT_S)
        assert hub.status_code == 201, hub.text
        assert requests.get(f"{b}/hub/{hub.json()['id']}", timeout=TIMEOUT_S).status_code == 200
        with ThreadPoolExecutor(4) as pool:
            made = list(pool.map(lambda n: create((a, b)[n % 2], description=f"order {n}"), range(20)))
        patch = [{"op": "replace", "path": "/description", "value": "changed"}]
        for n, order in enumerate(made):
            base = (b, a)[n % 2]  # each order changed through the other replica
            url = f"{base}/productOrder/{order['id']}"
            assert requests.patch(url, json=patch, headers=JSON_PATCH, timeout=TIMEOUT_S).status_code == 200
        events = _received(listener, 40)
        assert requests.delete(f"{b}/hub/{hub.json()['id']}", timeout=TIMEOUT_S).status_code == 204
        last = create(a)  # no subscription left: nothing for it may arrive
        assert requests.get(f"{b}/productOrder/{last['id']}", timeout=TIMEOUT_S).status_code == 200
        events += _drain(listener)
    seen = Counter((e["eventType"], resource_of(e)["id"]) for e in events)
    expected = {("ProductOrderCreateEvent", o["id"]) for o in made}
    expected |= {("ProductOrderAttributeValueChangeEvent", o["id"]) for o in made}
    assert set(seen) == expected
    assert set(seen.values()) == {1}, [key for key, n in seen.items() if n > 1]
    assert len({e["eventId"] for e in events}) == len(events)


def _v5(base: str) -> str:
    """The v5 API of the replica whose v4 base URL is `base` (both default base paths)."""
    return base.removesuffix("/v4") + "/v5"


def test_a_v5_subscription_made_on_one_replica_gets_each_event_once(two_replicas: tuple[str, str]) -> None:
    """As for v4: the v5 hub is shared and v5 events go through the outbox (once, on one replica)."""
    a, b = (_v5(base) for base in two_replicas)

    def create_v5(base: str, n: int) -> dict[str, Any]:
        body = {"@type": "ProductOrder", "description": f"order {n}", "productOrderItem": [V5_ITEM]}
        response = requests.post(f"{base}/productOrder", json=body, timeout=TIMEOUT_S)
        assert response.status_code == 201, response.text
        order: dict[str, Any] = response.json()
        return order

    with listening() as listener:
        hub_body = {"@type": "Hub", "callback": f"{listener.root}/client"}
        hub = requests.post(f"{a}/hub", json=hub_body, timeout=TIMEOUT_S)
        assert hub.status_code == 201, hub.text
        assert requests.get(f"{b}/hub/{hub.json()['id']}", timeout=TIMEOUT_S).status_code == 200
        with ThreadPoolExecutor(4) as pool:
            made = list(pool.map(lambda n: create_v5((a, b)[n % 2], n), range(20)))
        patch = [{"op": "replace", "path": "/description", "value": "changed"}]
        for n, order in enumerate(made):
            url = f"{(b, a)[n % 2]}/productOrder/{order['id']}"
            assert requests.patch(url, json=patch, headers=JSON_PATCH, timeout=TIMEOUT_S).status_code == 200
        events = _received(listener, 40)
        assert requests.delete(f"{b}/hub/{hub.json()['id']}", timeout=TIMEOUT_S).status_code == 204
        last = create_v5(a, 99)  # no subscription left: nothing for it may arrive
        assert requests.get(f"{b}/productOrder/{last['id']}", timeout=TIMEOUT_S).status_code == 200
        events += _drain(listener)
    seen = Counter((e["eventType"], resource_of(e)["id"]) for e in events)
    expected = {("ProductOrderCreateEvent", o["id"]) for o in made}
    expected |= {("ProductOrderAttributeValueChangeEvent", o["id"]) for o in made}
    assert set(seen) == expected
    assert set(seen.values()) == {1}, [key for key, n in seen.items() if n > 1]
    assert {e["@type"] for e in events} == {
        "ProductOrderCreateEvent",
        "ProductOrderAttributeValueChangeEvent",
    }


def test_a_replica_not_serving_v5_still_delivers_the_v5_events_it_takes(pg_cluster: Cluster) -> None:
    """B (`--no-serve-v5`) takes outbox rows too: the v5 ones go to v5 listeners, with v5 envelopes."""
    schema = pg_cluster.new_schema()
    common = ("--store", pg_cluster.url(schema), "--notify-backoff", "0")
    try:
        with mock_processes(common, (*common, "--no-serve-v5")) as [(_, a), _], listening() as listener:
            v5 = _v5(a)
            hub_body = {"@type": "Hub", "callback": f"{listener.root}/client"}
            assert requests.post(f"{v5}/hub", json=hub_body, timeout=TIMEOUT_S).status_code == 201
            body = {"@type": "ProductOrder", "productOrderItem": [V5_ITEM]}
            made = [requests.post(f"{v5}/productOrder", json=body, timeout=TIMEOUT_S) for _ in range(20)]
            assert {response.status_code for response in made} == {201}
            events = _received(listener, 20)
    finally:
        pg_cluster.drop_schema(schema)
    assert sorted(resource_of(e)["id"] for e in events) == sorted(r.json()["id"] for r in made)
    assert {e["@type"] for e in events} == {"ProductOrderCreateEvent"}  # the v5 envelope


def _received(listener: Listener, count: int) -> list[dict[str, Any]]:
    return [envelope for _, envelope in listener.take(count)]


def _drain(listener: Listener) -> list[dict[str, Any]]:
    """Whatever else arrived (a duplicate would be here): the queue emptied without waiting."""
    extra = []
    while True:
        try:
            extra.append(listener.received.get_nowait()[1])
        except queue.Empty:
            return extra


def test_kill_9_of_one_replica_under_load_loses_no_acknowledged_order(pg_url: Callable[[], str]) -> None:
    args = ("--store", pg_url())
    with mock_processes(args, args) as [(_, survivor), (victim, target)]:
        load = Load(target)
        for thread in load.threads:
            thread.start()
        assert load.enough.wait(TIMEOUT_S * 3), f"only {len(load.acknowledged)} orders acknowledged"
        victim.send_signal(signal.SIGKILL)
        assert victim.wait(TIMEOUT_S) == -signal.SIGKILL
        for thread in load.threads:
            thread.join(TIMEOUT_S)
        assert load.endings == ["ConnectionError"] * CLIENTS
        assert len(load.acknowledged) >= TARGET
        with requests.Session() as session:
            for order_id, order in load.acknowledged.items():
                found = session.get(f"{survivor}/productOrder/{order_id}", timeout=TIMEOUT_S)
                assert found.status_code == 200, order_id
                assert found.json() == order
            assert create(survivor)["state"] == "acknowledged"  # the other replica keeps serving


def test_what_one_process_cannot_share_is_refused_with_one_line(
    pg_url: Callable[[], str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def refusal(*args: str) -> str:
        with pytest.raises(SystemExit) as exited:
            parse_settings(list(args), environ={})
        assert exited.value.code == 2
        errors = [
            line for line in capsys.readouterr().err.splitlines() if line.startswith("tmf622-mock: error:")
        ]
        assert len(errors) == 1
        return errors[0]

    assert "memory is per process" in refusal("--workers", "2")
    assert "one writer process" in refusal("--workers", "2", "--sqlite", str(tmp_path / "x.sqlite3"))
    assert "--deterministic needs one process" in refusal("--store", pg_url(), "--deterministic")
    assert "choose one store" in refusal("--store", pg_url(), "--sqlite", str(tmp_path / "x.sqlite3"))


async def test_a_second_writer_of_one_sqlite_file_is_refused_and_the_first_keeps_its_data(
    tmp_path: Path,
) -> None:
    path = str(tmp_path / "one.sqlite3")
    first = SqliteStore(path)
    try:
        await first.add("productOrder", {"id": "kept"})
        with pytest.raises(ValueError, match="open in another mock process"):
            SqliteStore(path)
        assert await read(first, "productOrder", "kept") == {"id": "kept"}
    finally:
        first.close()
    SqliteStore(path).close()  # released with the first store


def test_a_second_mock_through_a_symlink_to_the_sqlite_file_is_refused(tmp_path: Path) -> None:
    """Issue 18, item 3: the lock was named after the path as typed, so a symlink got a lock of its
    own and both mocks wrote the file (40 appends answered 200, 20 stored)."""
    path = tmp_path / "one.sqlite3"
    (tmp_path / "other").mkdir()
    link = tmp_path / "other" / "link.sqlite3"
    link.symlink_to(path)
    with mock_process("--sqlite", str(path)) as (_, url):
        create(url)
        second = subprocess.run(
            [sys.executable, "-m", "mock_server", "--port", "0", "--sqlite", str(link)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
        assert second.returncode == 2, second.stdout
        assert "open in another mock process" in second.stderr
        assert len(requests.get(f"{url}/productOrder", timeout=TIMEOUT_S).json()) == 1


def test_workers_serve_one_port_from_several_processes(pg_url: Callable[[], str]) -> None:
    with mock_process("--store", pg_url(), "--workers", "2") as (process, url):
        made = [create(url) for _ in range(20)]
        listed = requests.get(f"{url}/productOrder", params={"fields": "id"}, timeout=TIMEOUT_S)
        assert {o["id"] for o in listed.json()} == {o["id"] for o in made}
        assert listed.headers["X-Total-Count"] == "20"
        workers = subprocess.run(
            ["pgrep", "-P", str(process.pid)], capture_output=True, text=True, check=False
        )
        assert len(workers.stdout.split()) == 2
