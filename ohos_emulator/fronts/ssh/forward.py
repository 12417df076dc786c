"""`direct-tcpip` channels: a client's connection to a TCP port on the device, relayed both ways.

Only ``127.0.0.1`` and ``localhost`` are reachable (the device's own ports, through its port
table); other hosts are refused. Each direction is pumped by its own thread; an EOF is passed on
as a half-close; the channel closing (by the client, or with its connection) or an error in either
direction ends both, and the last direction to end releases the channel and the socket.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading

import paramiko

from ohos_emulator.device import EmulatedDevice
from ohos_emulator.fronts.resources import Resources, shut

DEVICE_HOSTS = frozenset({"127.0.0.1", "localhost"})
CONNECT_TIMEOUT = 5.0
RECV_SIZE = 65536

log = logging.getLogger(__name__)


def open_device_port(device: EmulatedDevice, host: str, port: int) -> socket.socket | int:
    """A connection to ``host:port`` on the device, or the paramiko open-failure code."""
    if host not in DEVICE_HOSTS:
        log.info(
            "ssh %s: direct-tcpip to %s:%d refused (only the device's own ports)", device.serial, host, port
        )
        return paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED
    try:
        return device.ports.connect(port, timeout=CONNECT_TIMEOUT)
    except OSError as exc:
        log.info("ssh %s: direct-tcpip to device port %d failed: %s", device.serial, port, exc)
        return paramiko.OPEN_FAILED_CONNECT_FAILED


class Relay:
    """Pumps bytes between a channel and a socket until both directions have ended."""

    def __init__(self, resources: Resources, channel: paramiko.Channel, sock: socket.socket) -> None:
        self._resources = resources
        self._channel = channel
        self._sock = sock
        self._lock = threading.Lock()
        self._running = 0

    def start(self) -> None:
        name = f"ssh-relay-{self._channel.get_id()}"
        self._running = 2
        for direction, target in (("up", self._to_device), ("down", self._to_client)):
            if self._resources.spawn(f"{name}-{direction}", target) is None:  # the server is closing
                self._abort()
                self._ended()

    def _to_device(self) -> None:
        try:
            while data := self._channel.recv(RECV_SIZE):
                self._sock.sendall(data)
            if not self._channel.closed:  # the client's EOF: pass it on, answers may still flow back
                with contextlib.suppress(OSError):
                    self._sock.shutdown(socket.SHUT_WR)
                self._channel.status_event.wait()  # set by paramiko when the channel closes
        except OSError as exc:
            log.debug("ssh relay %d: client → device ended: %s", self._channel.get_id(), exc)
        finally:
            self._abort()  # the channel is closed (or broken): the device connection ends too
            self._ended()

    def _to_client(self) -> None:
        try:
            while data := self._sock.recv(RECV_SIZE):
                self._channel.sendall(data)
            self._channel.shutdown_write()
        except (OSError, EOFError, paramiko.SSHException) as exc:
            log.debug("ssh relay %d: device → client ended: %s", self._channel.get_id(), exc)
            self._abort()
        finally:
            self._ended()

    def _abort(self) -> None:
        """Wake the other direction: both ends close."""
        shut(self._sock)
        self._channel.close()

    def _ended(self) -> None:
        with self._lock:
            self._running -= 1
            last = self._running == 0
        if last:
            self._channel.close()
            self._resources.release(self._sock)
