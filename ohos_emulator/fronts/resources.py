"""Threads, sockets and running commands a front (hdc, SSH, serial server) started, ended together."""

from __future__ import annotations

import contextlib
import errno
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

log = logging.getLogger(__name__)

ACCEPT_RETRYABLE = frozenset({errno.EMFILE, errno.ENFILE, errno.ECONNABORTED, errno.ENOBUFS, errno.ENOMEM})
"""accept() errors after which a listener keeps serving (out of descriptors or memory, a client gone)."""
BACKOFF_FIRST = 0.05
BACKOFF_MAX = 1.0


def wake(sock: socket.socket) -> None:
    """Shut ``sock`` down both ways, so every thread blocked on it returns; never raises.

    Closing is for the socket's last user: closing under a thread that is about to enter a
    blocking call would let that call land on whatever socket reuses the file descriptor.
    """
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def shut(sock: socket.socket) -> None:
    """Shut down and close a socket no other thread uses any more; never raises."""
    wake(sock)
    with contextlib.suppress(OSError):
        sock.close()


class Resources:
    """Threads, sockets and running commands of one server, so that close() can end them all."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._threads: set[threading.Thread] = set()
        self._sockets: set[socket.socket] = set()
        self._cancels: set[threading.Event] = set()
        self.closing = threading.Event()

    def spawn(self, name: str, target: Callable[..., Any], *args: Any) -> threading.Thread | None:
        """Start a daemon thread that close() will join; None once the server is closing."""

        def run() -> None:
            try:
                target(*args)
            except Exception:
                log.exception("emulator front: thread %s failed", name)
            finally:
                with self._lock:
                    self._threads.discard(thread)

        thread = threading.Thread(target=run, name=name, daemon=True)
        with self._lock:  # started under the lock, so close() never joins a thread not yet started
            if self.closing.is_set():
                return None
            self._threads.add(thread)
            try:
                thread.start()
            except RuntimeError as exc:  # no more threads: the caller drops what it wanted served
                self._threads.discard(thread)
                log.warning("emulator front: cannot start thread %s: %s", name, exc)
                return None
        return thread

    def track(self, sock: socket.socket) -> bool:
        """Remember ``sock`` for close(); False (and the socket closed) once the server is closing."""
        with self._lock:
            if not self.closing.is_set():
                self._sockets.add(sock)
                return True
        shut(sock)
        return False

    def release(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(sock)
        shut(sock)

    @contextlib.contextmanager
    def command(self, cancel: threading.Event) -> Iterator[None]:
        """A device command runs while inside; close() sets ``cancel``."""
        with self._lock:
            self._cancels.add(cancel)
            if self.closing.is_set():
                cancel.set()
        try:
            yield
        finally:
            with self._lock:
                self._cancels.discard(cancel)

    @property
    def active_commands(self) -> int:
        with self._lock:
            return len(self._cancels)

    def close(self, timeout: float) -> list[str]:
        """Cancel commands, wake sockets, join threads, close sockets; returns threads still alive."""
        with self._lock:
            self.closing.set()
            cancels, sockets = list(self._cancels), list(self._sockets)
        for cancel in cancels:
            cancel.set()
        for sock in sockets:
            wake(sock)
        stuck = self._join(time.monotonic() + timeout)
        with self._lock:
            sockets, self._sockets = list(self._sockets), set()
        for sock in sockets:
            shut(sock)
        return stuck

    def _join(self, deadline: float) -> list[str]:
        while True:
            with self._lock:
                threads = [t for t in self._threads if t is not threading.current_thread()]
            if not threads:
                return []
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return sorted(t.name for t in threads)
            threads[0].join(remaining)


class ConnectionCap:
    """At most ``limit`` connections of one front at once; the others are closed at once and counted."""

    def __init__(self, front: str, limit: int) -> None:
        self.front = front
        self.limit = limit
        self.refused = 0
        self._active = 0
        self._lock = threading.Lock()

    def admit(self, sock: socket.socket) -> bool:
        """True and one slot taken, or False with ``sock`` closed (the refusal is logged)."""
        with self._lock:
            if self._active < self.limit:
                self._active += 1
                return True
            self.refused += 1
            refused = self.refused
        shut(sock)
        if refused == 1 or refused % 100 == 0:
            log.warning(
                "%s: %d connections open (the limit); refused a connection (%d refused so far)",
                self.front,
                self.limit,
                refused,
            )
        return False

    def leave(self) -> None:
        with self._lock:
            self._active -= 1

    @property
    def active(self) -> int:
        with self._lock:
            return self._active


def accepted(
    listener: socket.socket, closing: threading.Event, front: str = "emulator front"
) -> Iterator[tuple[socket.socket, Any]]:
    """Connections accepted on ``listener`` (TCP_NODELAY set), until it is shut or ``closing`` is set.

    Running out of descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM) or a client that left
    before accept() (ECONNABORTED) does not stop the listener: it logs once, backs off and keeps serving.
    """
    backoff = 0.0
    while not closing.is_set():
        try:
            sock, peer = listener.accept()
        except TimeoutError:  # a listener with a timeout polls ``closing``
            continue
        except OSError as exc:
            if exc.errno not in ACCEPT_RETRYABLE or closing.is_set():
                return
            if not backoff:
                log.warning("%s: accept failed (%s); backing off, still serving", front, exc)
            backoff = min(max(backoff * 2, BACKOFF_FIRST), BACKOFF_MAX)
            closing.wait(backoff)
            continue
        if backoff:
            log.warning("%s: accepting connections again", front)
            backoff = 0.0
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:  # the client already reset the connection
            shut(sock)
            continue
        yield sock, peer


def bound_address(listener: socket.socket | None, server: str) -> tuple[str, int]:
    """(host, port) a started server listens on."""
    if listener is None:
        raise RuntimeError(f"the {server} is not started")
    host, port = listener.getsockname()[:2]
    return host, port
