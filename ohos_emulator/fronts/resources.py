"""Threads, sockets and running commands a front (hdc, SSH, serial server) started, ended together."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

log = logging.getLogger(__name__)


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
            thread.start()
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


def accepted(listener: socket.socket, closing: threading.Event) -> Iterator[tuple[socket.socket, Any]]:
    """Connections accepted on ``listener`` (TCP_NODELAY set), until it is shut or ``closing`` is set."""
    while not closing.is_set():
        try:
            sock, peer = listener.accept()
        except TimeoutError:  # a listener with a timeout polls ``closing``
            continue
        except OSError:
            return
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        yield sock, peer


def bound_address(listener: socket.socket | None, server: str) -> tuple[str, int]:
    """(host, port) a started server listens on."""
    if listener is None:
        raise RuntimeError(f"the {server} is not started")
    host, port = listener.getsockname()[:2]
    return host, port
