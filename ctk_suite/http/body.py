"""A response body as it arrives: in memory while small, in an anonymous temporary file once large, cut at
the size limit, of which only an excerpt is kept.

A run keeps every exchange until its reports are written (issue 17: 5 MB bodies held several times over,
740 MB for `--level all`), so a large body must not stay in memory: it is read back when a check asks.
"""

from __future__ import annotations

import tempfile
import threading
import weakref

import requests

#: Bodies beyond this are not read (a TMF622 page of orders, or a token answer, is far smaller).
MAX_BODY_BYTES = 5 * 1024 * 1024
#: A body larger than this is kept in a temporary file, not in memory (a TMF622 answer is a few KiB).
SPOOL_BYTES = 256 * 1024
#: What is kept of a body cut at the limit: enough for a report to show, never the megabytes read.
EXCERPT_BYTES = 64 * 1024
_CHUNK = 64 * 1024


class BodyTooLarge(Exception):
    """The body went past the size limit; an excerpt of what was read is kept, the rest is not read."""


class StoredBody:
    """A body kept in an anonymous temporary file (gone from the disk once closed: with the last exchange
    that holds it, or at exit)."""

    def __init__(self, first: bytes) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the finalizer below
        self._lock = threading.Lock()  # one position per file: a read is a seek and a read
        self._close = weakref.finalize(self, self._file.close)
        self.size = 0
        self.append(first)

    def append(self, chunk: bytes) -> None:
        """Write the next part of the body (while it is being received)."""
        self._file.write(chunk)
        self.size += len(chunk)

    def read(self, size: int = -1) -> bytes:
        """The whole body (or its first `size` bytes), read back from the file."""
        with self._lock:
            self._file.flush()
            self._file.seek(0)
            return self._file.read(size)

    def close(self) -> None:
        """Let the file go now (a cut body keeps an excerpt in memory instead)."""
        self._close()


class CappedBody:
    """A response body as it arrives: cut at the size limit, moved to a temporary file past SPOOL_BYTES."""

    def __init__(self) -> None:
        self._memory = bytearray()
        self._file: StoredBody | None = None
        self.size = 0
        self.truncated = False

    def read(self, response: requests.Response, limit: int = MAX_BODY_BYTES) -> None:
        """Read the whole body of a streamed response; BodyTooLarge past `limit` bytes."""
        for chunk in response.iter_content(_CHUNK):
            if self.size + len(chunk) > limit:
                self._keep(chunk[: limit - self.size])
                self._cut()
                raise BodyTooLarge(limit)
            self._keep(chunk)

    def kept(self) -> bytes | StoredBody:
        """What the exchange keeps: the body (in a file when large), or the excerpt of a cut one."""
        return self._file if self._file is not None else bytes(self._memory)

    def content(self) -> bytes:
        """What was read (the excerpt of a cut body), as bytes."""
        return self._file.read() if self._file is not None else bytes(self._memory)

    def _keep(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self._file is not None:
            self._file.append(chunk)
            return
        self._memory += chunk
        if len(self._memory) > SPOOL_BYTES:
            self._file = StoredBody(bytes(self._memory))
            self._memory = bytearray()

    def _cut(self) -> None:
        """Keep an excerpt of the body only: the rest of the megabytes read is let go at once."""
        self.truncated = True
        if self._file is not None:
            self._memory = bytearray(self._file.read(EXCERPT_BYTES))
            self._file.close()
            self._file = None
        del self._memory[EXCERPT_BYTES:]
