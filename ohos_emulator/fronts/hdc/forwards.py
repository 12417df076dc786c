"""`fport tcp:L tcp:R`: a listener on 127.0.0.1:L relaying each connection to device port R.

The relay is on the hot path of every shim call: one thread per direction, blocking `recv_into` a
buffer allocated once per direction and `sendall`, TCP_NODELAY on both sockets. A connection for
which nothing listens on the device port is closed at once, as real hdc does.
"""

from __future__ import annotations

import logging
import re
import socket
import threading

from ohos_emulator.device import EmulatedDevice
from ohos_emulator.fronts.resources import Resources, shut, wake

RELAY_BUFFER = 256 * 1024
JOIN_SECONDS = 5.0
TCP_NODE = re.compile(r"^tcp:(\d{1,5})$")
FORWARD_PREFIXES = ("tcp:", "localabstract:", "localreserved:", "localfilesystem:", "dev:", "jdwp:", "ark:")

log = logging.getLogger(__name__)


def tcp_port(node: str) -> int | None:
    """The port of a `tcp:N` node (1..65535), else None."""
    match = TCP_NODE.match(node)
    port = int(match.group(1)) if match else 0
    return port if 0 < port < 65536 else None


class Relay:
    """Bytes both ways between an accepted client and a device port, until either side ends."""

    def __init__(self, client: socket.socket, upstream: socket.socket, forward: Forward) -> None:
        self.client = client
        self.upstream = upstream
        self._forward = forward
        self._open_directions = 2
        self._lock = threading.Lock()

    def pump(self, source: socket.socket, sink: socket.socket) -> None:
        buffer = bytearray(RELAY_BUFFER)
        view = memoryview(buffer)
        try:
            while count := source.recv_into(buffer):
                sink.sendall(view[:count])
            sink.shutdown(socket.SHUT_WR)
        except OSError:
            self.abort()
        finally:
            with self._lock:
                self._open_directions -= 1
                done = self._open_directions == 0
            if done:
                shut(self.client)
                shut(self.upstream)
                self._forward.relay_ended(self)

    def abort(self) -> None:
        """Wake both directions so they end (fport rm, server close, an error on either side)."""
        wake(self.client)
        wake(self.upstream)


class Forward:
    """One forward rule, its listener and its open relays."""

    def __init__(self, key: str, device: EmulatedDevice, listener: socket.socket, remote_port: int) -> None:
        self.key = key
        self.device = device
        self.listener = listener
        self.local_port = listener.getsockname()[1]
        self.remote_port = remote_port
        self._relays: set[Relay] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.acceptor: threading.Thread | None = None

    @property
    def task(self) -> str:
        return f"tcp:{self.local_port} tcp:{self.remote_port}"

    def serve(self, resources: Resources) -> None:
        """Accept connections until the listener is closed."""
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if resources.spawn(f"fport-{self.local_port}-in", self._connect, client, resources) is None:
                shut(client)

    def _connect(self, client: socket.socket, resources: Resources) -> None:
        try:
            upstream = self.device.ports.connect(self.remote_port)
        except OSError as exc:
            log.info(
                "hdc fport %s (%s): device port refused (%s); closing the connection",
                self.task,
                self.key,
                exc,
            )
            shut(client)
            return
        relay = Relay(client, upstream, self)
        with self._lock:
            closed = self._closed
            if not closed:
                self._relays.add(relay)
        if closed or resources.spawn(f"fport-{self.local_port}-out", relay.pump, upstream, client) is None:
            shut(client)
            shut(upstream)
            self.relay_ended(relay)
            return
        relay.pump(client, upstream)

    def relay_ended(self, relay: Relay) -> None:
        with self._lock:
            self._relays.discard(relay)

    def close(self) -> None:
        """Stop accepting and end the open relays."""
        with self._lock:
            self._closed = True
            relays = list(self._relays)
        wake(self.listener)
        for relay in relays:
            relay.abort()
        if self.acceptor is not None and self.acceptor is not threading.current_thread():
            self.acceptor.join(JOIN_SECONDS)
        self.listener.close()


class ForwardTable:
    """The server's forward rules by task string (`tcp:L tcp:R`)."""

    def __init__(self, resources: Resources, host: str = "127.0.0.1") -> None:
        self._resources = resources
        self._host = host
        self._forwards: dict[str, Forward] = {}
        self._lock = threading.Lock()

    def add(self, key: str, device: EmulatedDevice, local_port: int, remote_port: int) -> bool:
        """Start forwarding; False when 127.0.0.1:local_port cannot be bound."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((self._host, local_port))
            listener.listen(64)
        except OSError as exc:
            log.info("hdc fport tcp:%d: cannot listen (%s)", local_port, exc)
            listener.close()
            return False
        forward = Forward(key, device, listener, remote_port)
        with self._lock:
            self._forwards[forward.task] = forward
        forward.acceptor = self._resources.spawn(f"fport-{local_port}", forward.serve, self._resources)
        if forward.acceptor is None:
            self.remove(forward.task)
            return False
        return True

    def remove(self, task: str) -> bool:
        with self._lock:
            forward = self._forwards.pop(task, None)
        if forward is None:
            return False
        forward.close()
        return True

    def listing(self) -> str:
        """`fport ls` lines: `KEY    tcp:L tcp:R    [Forward]`, or "" when there are none."""
        with self._lock:
            forwards = sorted(self._forwards.values(), key=lambda f: f.local_port)
        return "".join(f"{f.key}    {f.task}    [Forward]\n" for f in forwards)

    def close(self) -> None:
        with self._lock:
            forwards = list(self._forwards.values())
            self._forwards.clear()
        for forward in forwards:
            forward.close()
