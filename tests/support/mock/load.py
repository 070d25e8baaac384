"""Client threads POSTing orders as fast as a mock acknowledges them, until it disappears."""

from __future__ import annotations

import threading
from typing import Any

import requests

TIMEOUT_S = 20

CLIENTS = 8


#: Acknowledgements to collect before the kill (a few hundred fsyncs: about a second).
TARGET = 150


class Load:
    """Client threads POSTing orders as fast as the server acknowledges them, until it disappears."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.acknowledged: dict[str, dict[str, Any]] = {}
        self.endings: list[str] = []
        self.enough = threading.Event()
        self._lock = threading.Lock()
        self.threads = [threading.Thread(target=self._client, args=(n,)) for n in range(CLIENTS)]

    def _client(self, client: int) -> None:
        with requests.Session() as session:
            for n in range(100_000):
                body = {"productOrderItem": [{"id": "1", "action": "add"}], "description": f"c{client}-{n}"}
                try:
                    response = session.post(f"{self.url}/productOrder", json=body, timeout=TIMEOUT_S)
                except requests.ConnectionError as exc:
                    self._end(type(exc).__name__)
                    return
                if response.status_code == 201:  # only a complete, read 201 counts as acknowledged
                    self._acknowledge(response.json())
        self._end("ran out of orders")

    def _acknowledge(self, order: dict[str, Any]) -> None:
        with self._lock:
            self.acknowledged[order["id"]] = order
            if len(self.acknowledged) >= TARGET:
                self.enough.set()

    def _end(self, why: str) -> None:
        with self._lock:
            self.endings.append(why)
