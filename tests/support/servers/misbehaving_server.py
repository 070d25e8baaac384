"""A raw-socket HTTP server that misbehaves on purpose, to prove the suite's client survives it.

The first path segment picks the misbehaviour, so one server serves every mode and a CTK run aims at
one of them with a base URL such as `http://127.0.0.1:PORT/drip/tmf-api/productOrderingManagement/v4/`.
Written on asyncio streams (not aiohttp) because aiohttp would not send broken HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import struct
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field

from tests.support.app_thread import LoopThread

API_PATH = "/tmf-api/productOrderingManagement/v4"
START_TIMEOUT_S = 10.0
#: Body sizes and pacing of the modes.
RESET_AFTER_BYTES = 100
RESET_DECLARED_BYTES = 1000
HUGE_BYTES = 10 * 1024 * 1024
DRIP_INTERVAL_S = 0.05
STALL_AFTER_BYTES = 200 * 1024  # more than the client's read chunk: the part received is counted
HTML_502 = b"<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"
BAD_UTF8 = b'{"id": "order-\xff\xfe", "href": "x", "state": "acknowledged"}'

Writer = asyncio.StreamWriter


@dataclass
class Seen:
    """What the server received, for assertions on retries."""

    requests: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, line: str) -> None:
        with self.lock:
            self.requests.append(line)

    def count(self, prefix: str) -> int:
        with self.lock:
            return sum(line.startswith(prefix) for line in self.requests)


class MisbehavingServer:
    """The modes, each a coroutine writing (or not) to the client."""

    def __init__(self) -> None:
        self.seen = Seen()
        self.stopping = asyncio.Event()
        self.modes: dict[str, Callable[[str, str, Writer], Awaitable[None]]] = {
            "reset": self._reset,
            "silent": self._silent,
            "html502": self._html502,
            "bad-utf8": self._bad_utf8,
            "huge": self._huge,
            "redirect-loop": self._redirect_loop,
            "drip": self._drip,
            "stall": self._stall,
        }

    async def handle(self, reader: asyncio.StreamReader, writer: Writer) -> None:
        """Read one request, answer it the way its mode says, close."""
        try:
            method, target = await _read_request(reader)
            self.seen.add(f"{method} {target}")
            mode = target.split("/")[1] if target.count("/") > 1 else ""
            await self.modes.get(mode, self._not_found)(method, target, writer)
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass  # the client gave up: that is what several modes provoke
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()

    async def _reset(self, method: str, target: str, writer: Writer) -> None:
        """Promise 1000 bytes, send 100, then reset the connection (RST, not FIN)."""
        writer.write(
            _head(200, "application/json", RESET_DECLARED_BYTES) + b"[" + b" " * (RESET_AFTER_BYTES - 1)
        )
        await writer.drain()
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    async def _silent(self, method: str, target: str, writer: Writer) -> None:
        """Accept the request and never answer."""
        await self.stopping.wait()

    async def _html502(self, method: str, target: str, writer: Writer) -> None:
        """What a reverse proxy answers when the API behind it is down."""
        writer.write(_head(502, "text/html", len(HTML_502)) + HTML_502)
        await writer.drain()

    async def _bad_utf8(self, method: str, target: str, writer: Writer) -> None:
        """A JSON body (declared UTF-8) holding bytes that are not UTF-8."""
        status = 201 if method == "POST" else 200
        writer.write(_head(status, "application/json;charset=utf-8", len(BAD_UTF8)) + BAD_UTF8)
        await writer.drain()

    async def _huge(self, method: str, target: str, writer: Writer) -> None:
        """A 10 MB JSON array, sent as fast as the client reads it."""
        chunk = b'{"id": "x"},' * 8192
        writer.write(_head(200, "application/json", HUGE_BYTES) + b"[")
        sent = 1
        while sent + len(chunk) < HUGE_BYTES and not self.stopping.is_set():
            writer.write(chunk)
            sent += len(chunk)
            await writer.drain()
        writer.write(b"{}" + b" " * (HUGE_BYTES - sent - 3) + b"]")
        await writer.drain()

    async def _redirect_loop(self, method: str, target: str, writer: Writer) -> None:
        """302 to the very same URL, forever."""
        writer.write(_head(302, "text/plain", 0, extra=f"Location: {target}\r\n"))
        await writer.drain()

    async def _drip(self, method: str, target: str, writer: Writer) -> None:
        """Headers at once, then one body byte every DRIP_INTERVAL_S: no single read ever times out."""
        writer.write(_head(200, "application/json", 100_000))
        await self._drip_body(writer)

    async def _drip_body(self, writer: Writer) -> None:
        await writer.drain()
        while not self.stopping.is_set():
            writer.write(b" ")
            await writer.drain()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), DRIP_INTERVAL_S)

    async def _stall(self, method: str, target: str, writer: Writer) -> None:
        """Part of the body at once, then the rest one byte every DRIP_INTERVAL_S, as `drip`."""
        writer.write(_head(200, "application/json", 2 * STALL_AFTER_BYTES) + b" " * STALL_AFTER_BYTES)
        await self._drip_body(writer)

    async def _not_found(self, method: str, target: str, writer: Writer) -> None:
        body = b'{"code": "404", "reason": "unknown mode"}'
        writer.write(_head(404, "application/json", len(body)) + body)
        await writer.drain()


def _head(status: int, content_type: str, length: int, extra: str = "") -> bytes:
    reason = {200: "OK", 201: "Created", 302: "Found", 404: "Not Found", 502: "Bad Gateway"}[status]
    return (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n"
        f"{extra}Connection: close\r\n\r\n"
    ).encode()


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, str]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    length = next(
        (int(v) for k, _, v in (h.partition(": ") for h in lines[1:]) if k.lower() == "content-length"), 0
    )
    if length:
        await reader.readexactly(length)
    return method, target


@dataclass(frozen=True)
class Running:
    """Where the server listens and what it saw."""

    origin: str
    seen: Seen

    def api_url(self, mode: str) -> str:
        """The API root of `mode`, ending with `/` as the CTK's base URL does."""
        return f"{self.origin}/{mode}{API_PATH}/"


@contextlib.contextmanager
def serve_misbehaving(tls: ssl.SSLContext | None = None) -> Iterator[Running]:
    """Run the server on a free loopback port in a thread (tests.support.app_thread) for the block;
    over HTTPS with `tls`, a server-side context."""
    server = MisbehavingServer()
    loop = LoopThread(START_TIMEOUT_S)
    handlers: set[asyncio.Task[None]] = set()

    async def tracked(reader: asyncio.StreamReader, writer: Writer) -> None:
        task = asyncio.current_task()
        assert task is not None
        handlers.add(task)
        try:
            await server.handle(reader, writer)
        finally:
            handlers.discard(task)

    async def start() -> asyncio.Server:
        server.stopping = asyncio.Event()  # bound to the thread's loop
        return await asyncio.start_server(tracked, "127.0.0.1", 0, ssl=tls)

    async def stop(listening: asyncio.Server) -> None:
        server.stopping.set()
        listening.close()
        if handlers:  # silent and drip connections end on `stopping`
            await asyncio.wait(set(handlers), timeout=START_TIMEOUT_S)

    try:
        listening = loop.run(start())
        try:
            scheme = "https" if tls else "http"
            yield Running(f"{scheme}://127.0.0.1:{listening.sockets[0].getsockname()[1]}", server.seen)
        finally:
            loop.run(stop(listening))
    finally:
        loop.close()
