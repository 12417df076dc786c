"""`HdcTransport`: one device reached through an hdc server, natively (no `hdc` process).

Shell commands are wrapped with a sentinel so their exit status comes back (hdc reports none);
stdout and stderr arrive merged, as hdc delivers them. Byte streams to device ports go through
`fport` forwards kept in a ledger: one forward per device port, shared by every stream to that port
and removed when the last of them closes; :meth:`HdcTransport.close` removes what is left and
proves with `fport ls` that none of this transport's forwards survived.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from harness.errors import ConnectionLost, InfrastructureError, TransportError, TransportTimeout
from harness.hdc.channel import TRANSPORT
from harness.hdc.client import ForwardRefused, HdcClient, ShellStream
from harness.trace import Trace
from harness.transport.base import (
    DEFAULT_COMMAND_TIMEOUT,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_TRANSFER_TIMEOUT,
    CommandResult,
    output_tail,
    transport_action,
)
from harness.transport.sentinel import Sentinel

FORWARD_ATTEMPTS = 5


def _free_local_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class _Forward:
    device_port: int
    local_port: int
    streams: int = 0

    @property
    def nodes(self) -> tuple[str, str]:
        return f"tcp:{self.local_port}", f"tcp:{self.device_port}"


class ForwardStream:
    """A socket to a device port through an fport forward; :meth:`close` releases its ledger entry."""

    def __init__(self, sock: socket.socket, transport: HdcTransport, forward: _Forward) -> None:
        self._sock = sock
        self._transport = transport
        self._forward: _Forward | None = forward
        self.device_port = forward.device_port

    def sendall(self, data: bytes) -> None:
        try:
            self._sock.sendall(data)
        except OSError as exc:  # no context manager here: this is on the path of every shim call
            raise self._error("send", exc) from None

    def recv(self, bufsize: int) -> bytes:
        try:
            return self._sock.recv(bufsize)
        except OSError as exc:
            raise self._error("receive", exc) from None

    def settimeout(self, timeout: float | None) -> None:
        self._sock.settimeout(timeout)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)  # a read blocked in another thread returns
        with contextlib.suppress(OSError):
            self._sock.close()
        forward, self._forward = self._forward, None
        if forward is not None:
            self._transport.stream_closed(self, forward)

    def detach(self) -> None:
        """Close the socket without touching the ledger (the forward is already gone)."""
        self._forward = None
        self.close()

    def _error(self, what: str, exc: OSError) -> TransportError:
        port, device = self.device_port, self._transport.device_id
        if isinstance(exc, TimeoutError):
            return TransportTimeout(
                f"{what} on device port {port} timed out", device=device, transport=TRANSPORT
            )
        return ConnectionLost(f"{what} on device port {port}: {exc}", device=device, transport=TRANSPORT)

    def __enter__(self) -> ForwardStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class HdcTransport:
    """The :class:`harness.transport.base.Transport` of one device behind an hdc server."""

    name = TRANSPORT

    def __init__(
        self,
        device_id: str,
        host: str,
        port: int,
        trace: Trace,
        *,
        connect_key: str | None = None,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    ) -> None:
        self.device_id = device_id
        self.connect_key = connect_key or device_id
        self.client = HdcClient(host, port, connect_timeout)
        self.trace = trace
        self._ledger: dict[int, _Forward] = {}
        self._streams: set[ForwardStream] = set()
        self._created: set[int] = set()
        self._lock = threading.RLock()

    def _error(self, message: str, kind: type[TransportError] = TransportError) -> TransportError:
        return kind(message, device=self.device_id, transport=self.name)

    # -- commands -------------------------------------------------------------------------------------
    def run(self, command: str, timeout: float = DEFAULT_COMMAND_TIMEOUT) -> CommandResult:
        sentinel = Sentinel.new()
        with transport_action(self, "shell", command) as record:
            raw = self.client.shell(self.connect_key, sentinel.wrap(command), timeout, label=command)
            output, status = sentinel.parse(
                raw.decode("utf-8", errors="replace"), device=self.device_id, transport=self.name
            )
            record.result = {"exitStatus": status, "output": output_tail(output)}
        return CommandResult(command, output, status)

    def start(self, command: str) -> ShellStream:
        """``command`` running, its output read as it comes (a RunningCommand: read / stop)."""
        with transport_action(self, "shell", command):
            return self.client.shell_stream(self.connect_key, command)

    # -- files ----------------------------------------------------------------------------------------
    def push(self, local: Path, remote: str, timeout: float = DEFAULT_TRANSFER_TIMEOUT) -> None:
        title = f"push {local} -> {remote}"
        with transport_action(self, "push", title) as record:
            record.result = {"bytes": self.client.file_send(self.connect_key, Path(local), remote, timeout)}

    def pull(self, remote: str, local: Path, timeout: float = DEFAULT_TRANSFER_TIMEOUT) -> None:
        title = f"pull {remote} -> {local}"
        with transport_action(self, "pull", title) as record:
            record.result = {"bytes": self.client.file_recv(self.connect_key, remote, Path(local), timeout)}

    # -- apps -----------------------------------------------------------------------------------------
    def install(self, local: Path, replace: bool = True, timeout: float = DEFAULT_TRANSFER_TIMEOUT) -> str:
        """`hdc install [-r] HAP`; returns bm's text (TransportError with it when the install fails)."""
        title = f"install {local}"
        with transport_action(self, "install", title) as record:
            record.result = message = self.client.install(self.connect_key, Path(local), replace, timeout)
        return message

    def uninstall(self, bundle: str, timeout: float = DEFAULT_COMMAND_TIMEOUT) -> str:
        """`hdc uninstall BUNDLE`; returns bm's text (TransportError with it when bm refuses)."""
        title = f"uninstall {bundle}"
        with transport_action(self, "install", title) as record:
            record.result = message = self.client.uninstall(self.connect_key, bundle, timeout)
        return message

    # -- streams and the forward ledger ---------------------------------------------------------------
    def open_stream(self, device_port: int, timeout: float = DEFAULT_CONNECT_TIMEOUT) -> ForwardStream:
        """A byte stream to ``device_port``, through this transport's (shared) forward to it."""
        with self._lock:
            forward = self._ledger.get(device_port) or self._add_forward(device_port)
            forward.streams += 1
        try:
            sock = socket.create_connection((self.client.host, forward.local_port), timeout=timeout)
        except OSError as exc:
            self.stream_closed(None, forward)
            message = f"cannot connect to the forward {' '.join(forward.nodes)}: {exc}"
            raise self._error(
                message, TransportTimeout if isinstance(exc, TimeoutError) else TransportError
            ) from None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(None)
        stream = ForwardStream(sock, self, forward)
        with self._lock:
            self._streams.add(stream)
        return stream

    @contextlib.contextmanager
    def route(self, device_port: int) -> Iterator[None]:
        """One forward to ``device_port`` for every stream opened inside (counted as a stream)."""
        with self._lock:
            forward = self._ledger.get(device_port) or self._add_forward(device_port)
            forward.streams += 1
        try:
            yield
        finally:
            self.stream_closed(None, forward)

    def _add_forward(self, device_port: int) -> _Forward:
        for _ in range(FORWARD_ATTEMPTS):
            forward = _Forward(device_port, _free_local_port())
            local, remote = forward.nodes
            try:
                title = f"fport {local} {remote}"
                with transport_action(self, "forward", title):
                    self.client.fport(self.connect_key, local, remote)
            except ForwardRefused:
                continue  # someone took the port between probing and forwarding: try another
            self._created.add(forward.local_port)
            self._ledger[device_port] = forward
            return forward
        raise self._error(
            f"no free local port to forward device port {device_port} after {FORWARD_ATTEMPTS} tries"
        )

    def stream_closed(self, stream: ForwardStream | None, forward: _Forward) -> None:
        """One stream through ``forward`` ended; the last one removes the forward."""
        with self._lock:
            if stream is not None:
                self._streams.discard(stream)
            forward.streams -= 1
            if forward.streams > 0 or self._ledger.get(forward.device_port) is not forward:
                return
            with contextlib.suppress(TransportError):  # it stays in the ledger: close() retries it
                self._remove_forward(forward)

    def _remove_forward(self, forward: _Forward) -> None:
        local, remote = forward.nodes
        title = f"fport rm {local} {remote}"
        with transport_action(self, "forward", title):
            self.client.fport_remove(self.connect_key, local, remote)
        del self._ledger[forward.device_port]

    def forwards(self) -> dict[int, int]:
        """device port → local port of the forwards this transport holds now."""
        with self._lock:
            return {port: forward.local_port for port, forward in self._ledger.items()}

    def close(self) -> None:
        """Remove every forward this transport made, then prove with `fport ls` that none is left."""
        with self._lock:
            streams, self._streams = list(self._streams), set()
            for stream in streams:
                stream.detach()
            failures = []
            for forward in list(self._ledger.values()):
                try:
                    self._remove_forward(forward)
                except TransportError as exc:
                    failures.append(str(exc))
            mine = {f"tcp:{port}" for port in self._created}
            left = [
                f"{rule.local} {rule.remote}"
                for rule in self.client.fport_list()
                if rule.key == self.connect_key and rule.local in mine
            ]
        if left:
            detail = "; ".join(failures) or "fport rm reported success"
            where = f"[{self.device_id}/{self.name}]"
            raise InfrastructureError(
                f"{where} forwards still present after close: {', '.join(left)} ({detail})"
            )
