"""The console on a pseudo-terminal: the emulator keeps the master, a client opens :attr:`PtyPort.path`.

The emulator also keeps a slave descriptor open (in raw mode), so the master never reads EIO while
no client has the path open. Output goes through a writer thread of its own, so a pty nobody reads
never holds up the console's other clients. The writer waits for a reader that takes the bytes; when
the pty has taken nothing for :data:`STALL_SECONDS`, nobody is reading, and output is dropped (as a
UART's bytes are lost when nobody listens) until the pty has room again. Writers are held back only
while a reader is taking bytes and more than :data:`PENDING_LIMIT` bytes wait.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import threading
import time
import tty as posix_tty
from collections.abc import Callable

POLL_MS = 200
STALL_SECONDS = 0.5
PENDING_LIMIT = 256 * 1024
READ_SIZE = 65536

log = logging.getLogger(__name__)


class PtyPort:
    """One pty pair: :meth:`serve` feeds what clients type, :meth:`send` queues the line's output."""

    def __init__(self, feed: Callable[[bytes], None]) -> None:
        self._feed = feed
        self._master, self._slave = os.openpty()
        posix_tty.setraw(self._slave)
        os.set_blocking(self._master, False)
        self.path = os.ttyname(self._slave)
        self._pending = bytearray()
        self._room = threading.Condition()
        self._reader_present = True
        self._progress = time.monotonic()  # when the pty last took bytes
        self._stopped = False

    def send(self, data: bytes) -> bool:
        """Queue output for the pty; waits only while a reader takes bytes and much is pending."""
        with self._room:
            if not self._reader_present:
                return True  # nobody reads: lost, as on a UART
            self._pending += data
            self._room.notify_all()
            while len(self._pending) > PENDING_LIMIT and self._reader_present and not self._stopped:
                self._room.wait(POLL_MS / 1000)
        return True

    def write_out(self, stop: threading.Event) -> None:
        """The writer thread: pending output into the master, until ``stop`` is set."""
        writable = select.poll()
        writable.register(self._master, select.POLLOUT)
        while not stop.is_set():
            with self._room:
                if not self._pending and self._reader_present:
                    self._room.wait(POLL_MS / 1000)
                    continue
                data = bytes(self._pending)
            if not self._reader_present:
                if writable.poll(POLL_MS):  # room again: someone read or flushed the pty
                    self._mark(reader_present=True)
                continue
            try:
                written = os.write(self._master, data)
            except BlockingIOError:
                written = 0
            except OSError as exc:
                log.info("serial pty %s: write failed (%s); output dropped", self.path, exc)
                written = len(data)
            if written:
                with self._room:
                    del self._pending[:written]
                    self._progress = time.monotonic()
                    self._room.notify_all()
            elif time.monotonic() - self._progress > STALL_SECONDS:
                self._mark(reader_present=False)
            else:
                writable.poll(POLL_MS)
        with self._room:
            self._stopped = True
            self._room.notify_all()

    def _mark(self, *, reader_present: bool) -> None:
        with self._room:
            self._reader_present = reader_present
            self._progress = time.monotonic()
            if not reader_present:
                self._pending.clear()
                log.info("serial pty %s: nobody reads; output is dropped until it does", self.path)
            self._room.notify_all()

    def serve(self, stop: threading.Event) -> None:
        """Feed client keystrokes to the console until ``stop`` is set."""
        poller = select.poll()
        poller.register(self._master, select.POLLIN)
        while not stop.is_set():
            if not poller.poll(POLL_MS):
                continue
            try:
                data = os.read(self._master, READ_SIZE)
            except BlockingIOError:
                continue
            except OSError as exc:
                log.info("serial pty %s: read failed (%s); console input ends", self.path, exc)
                return
            if data:
                self._feed(data)

    def close(self) -> None:
        """Close both descriptors (after :meth:`serve` and :meth:`write_out` have returned)."""
        for fd in (self._master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)
