"""The notification listener (real HTTP on loopback) and the extended level's options."""

from __future__ import annotations

import gc
import socket
import time
import warnings
from collections.abc import Iterator

import pytest
import requests

from ctk_suite.config.layers import OptionError, parse_bind, read
from ctk_suite.config.table import BY_NAME
from ctk_suite.core.redaction import SecretRegistry, redact_text
from ctk_suite.kits.extended.kit import register_callback_secrets
from ctk_suite.kits.extended.listener import EventListener, ListenerError, ListenerSettings, event_name


@pytest.fixture
def listener() -> Iterator[EventListener]:
    started = EventListener(ListenerSettings())
    started.start()
    yield started
    started.stop()


def test_stopping_with_deliveries_half_received_is_quick_and_closes_every_connection() -> None:
    """A hub that opened connections and sends slowly (or never finishes) neither holds the run's end
    up nor leaves a socket behind (a ResourceWarning wherever the garbage collector meets it)."""
    listener = EventListener(ListenerSettings())
    port = int(listener.start().rsplit(":", 1)[1])
    head = b"POST /listener/productOrderCreateEvent HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n"
    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
    for client, sent in zip(clients, (b"", head, head + b"{"), strict=True):
        client.sendall(sent)
    time.sleep(0.2)  # the listener has taken them
    started = time.monotonic()
    listener.stop()
    took = time.monotonic() - started
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gc.collect()
    for client in clients:
        client.close()
    assert took < 3, took
    served_here = f"laddr=('127.0.0.1', {port})"
    assert [str(w.message) for w in caught if served_here in str(w.message)] == []


def test_event_name_is_the_segment_after_listener() -> None:
    assert event_name("/cb/listener/productOrderCreateEvent") == "productOrderCreateEvent"
    assert event_name("/listener/x/y") == "x"
    assert event_name("/listener") == ""
    assert event_name("/somewhere/else") == ""


def test_events_are_recorded_and_awaited(listener: EventListener) -> None:
    envelope = {"eventType": "ProductOrderCreateEvent", "event": {"productOrder": {"id": "42"}}}
    answer = requests.post(
        f"{listener.callback_url}/hook/listener/productOrderCreateEvent", json=envelope, timeout=5
    )
    assert answer.status_code == 201
    event = listener.wait_for(lambda e: e.order_id == "42", timeout_s=5)
    assert event is not None
    assert (event.path, event.event_name, event.body, event.problem) == (
        "/hook/listener/productOrderCreateEvent",
        "productOrderCreateEvent",
        envelope,
        None,
    )
    assert listener.received() == [event]


def test_waiting_for_an_event_that_never_comes_returns_none_at_the_deadline(listener: EventListener) -> None:
    assert listener.wait_for(lambda e: True, timeout_s=0.05) is None


def test_a_body_that_is_not_json_is_kept_with_the_reason(listener: EventListener) -> None:
    requests.post(f"{listener.callback_url}/listener/x", data=b"\xff not json", timeout=5)
    event = listener.wait_for(lambda e: e.event_name == "x", timeout_s=5)
    assert event is not None
    assert event.body is None
    assert event.order_id is None
    assert event.problem is not None


def test_callback_url_given_wins_and_the_default_is_the_bound_port() -> None:
    given = EventListener(ListenerSettings(callback_url="https://tunnel.example/ctk/"))
    assert given.callback_url == "https://tunnel.example/ctk"
    wildcard = EventListener(ListenerSettings(bind_host="0.0.0.0"))
    wildcard._port = 8765
    assert wildcard.callback_url == "http://127.0.0.1:8765"
    ipv6 = EventListener(ListenerSettings(bind_host="::1"))
    ipv6._port = 1
    assert ipv6.callback_url == "http://[::1]:1"


def test_a_port_in_use_is_a_listener_error() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        listener = EventListener(ListenerSettings(bind_port=port))
        with pytest.raises(
            ListenerError, match=f"cannot start the notification listener on 127.0.0.1:{port}"
        ):
            listener.start()
    listener.stop()  # idempotent after a failed start


def test_parse_bind() -> None:
    assert parse_bind("127.0.0.1") == ("127.0.0.1", 0)
    assert parse_bind("0.0.0.0:8765") == ("0.0.0.0", 8765)
    assert parse_bind("[::1]:9") == ("::1", 9)
    for bad in ("", ":80", "host:http", "host:70000"):
        with pytest.raises(OptionError, match="must look like HOST or HOST:PORT"):
            parse_bind(bad)


def test_callback_and_timeout_values() -> None:
    callback, timeout = BY_NAME["callback_url"], BY_NAME["event_timeout"]
    assert read(callback, " http://h:1/cb ", "x") == "http://h:1/cb"
    with pytest.raises(OptionError, match=r"x: must be an absolute http\(s\) URL \(value not shown\)"):
        read(callback, "ftp://token@h/", "x")
    assert timeout.default == 10.0
    assert read(timeout, "2.5", "x") == 2.5
    for bad in ("0", "-1", "soon", "601"):
        with pytest.raises(OptionError, match=r"TMF622_CTK_EVENT_TIMEOUT \(environment\): must be a number"):
            read(timeout, bad, "TMF622_CTK_EVENT_TIMEOUT (environment)")


def test_secrets_of_a_callback_url_are_masked_in_reports() -> None:
    registry = SecretRegistry()
    register_callback_secrets("https://ctk:tunnel-password-1@t.example/cb?key=k3y-abcdef-123", registry)
    register_callback_secrets(None, registry)
    shown = redact_text("hub callback tunnel-password-1 and k3y-abcdef-123", registry)
    assert "tunnel-password-1" not in shown
    assert "k3y-abcdef-123" not in shown
