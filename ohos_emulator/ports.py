"""The emulated device's TCP port namespace.

A process on the emulated device that "listens on device port P" really listens on an ephemeral
127.0.0.1 port and registers the mapping here. `hdc fport`, SSH `direct-tcpip` and `nc` on the
device shell reach device ports through this table only, as they would on a device.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class PortBinding:
    device_port: int
    host_port: int
    owner: int


class PortTable:
    """device port → host port, owned by an emulated process id."""

    def __init__(self) -> None:
        self._bindings: dict[int, PortBinding] = {}
        self._lock = threading.Lock()

    def bind(self, device_port: int, host_port: int, owner: int) -> bool:
        """Register a listener; False when the device port is taken (EADDRINUSE)."""
        with self._lock:
            if device_port in self._bindings:
                return False
            self._bindings[device_port] = PortBinding(device_port, host_port, owner)
            return True

    def unbind(self, device_port: int, owner: int) -> None:
        with self._lock:
            binding = self._bindings.get(device_port)
            if binding and binding.owner == owner:
                del self._bindings[device_port]

    def unbind_owner(self, owner: int) -> None:
        with self._lock:
            for port in [p for p, b in self._bindings.items() if b.owner == owner]:
                del self._bindings[port]

    def bindings(self) -> list[PortBinding]:
        with self._lock:
            return sorted(self._bindings.values(), key=lambda b: b.device_port)

    def connect(self, device_port: int, timeout: float = 5.0) -> socket.socket:
        """A connection to whatever listens on ``device_port``; ConnectionRefusedError if nothing."""
        with self._lock:
            binding = self._bindings.get(device_port)
        if binding is None:
            raise ConnectionRefusedError(f"nothing listens on device port {device_port}")
        sock = socket.create_connection(("127.0.0.1", binding.host_port), timeout=timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(None)
        return sock
