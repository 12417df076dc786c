"""The console on TCP: `socket://` (the line's bytes as they are) or `rfc2217://` (Telnet with the
RFC 2217 COM-PORT-OPTION, served by pyserial's :class:`serial.rfc2217.PortManager`).

Any number of clients may be connected; each one's bytes go to the console and each one receives
everything the console sends. A client that leaves (or stops reading for :data:`SEND_TIMEOUT`
seconds) is detached; the console goes on, as a UART does not know who listens.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable

import serial.rfc2217

from ohos_emulator.fronts.limits import DEFAULT_MAX_CONNECTIONS
from ohos_emulator.fronts.resources import ConnectionCap, Resources, accepted
from ohos_emulator.fronts.serial.line import ConsoleLine

ACCEPT_POLL = 0.1
SEND_TIMEOUT = 5.0
RECV_SIZE = 65536

log = logging.getLogger(__name__)


class VirtualUart:
    """The port settings an RFC 2217 client reads and sets; a virtual UART accepts any of them.

    Modem lines read as a connected cable (CTS, DSR, CD up); DTR, RTS and break are remembered only.
    """

    def __init__(self) -> None:
        self.baudrate = 115200
        self.bytesize = 8
        self.parity = "N"
        self.stopbits = 1
        self.xonxoff = False
        self.rtscts = False
        self.break_condition = False
        self.dtr = True
        self.rts = True
        self.cts = self.dsr = self.cd = True
        self.ri = False

    def reset_input_buffer(self) -> None:
        """PURGE_DATA from the client: a virtual UART keeps no receive buffer of its own."""

    def reset_output_buffer(self) -> None:
        """PURGE_DATA from the client: a virtual UART keeps no transmit buffer of its own."""


class RawClient:
    """A `socket://` client: bytes both ways as they are."""

    def __init__(self, conn: socket.socket) -> None:
        self._conn = conn
        self._lock = threading.Lock()

    def incoming(self, data: bytes) -> bytes:
        return data

    def send(self, data: bytes) -> bool:
        try:
            with self._lock:
                self._conn.sendall(data)
        except OSError:
            return False
        return True


class Rfc2217Client(RawClient):
    """An `rfc2217://` client: Telnet negotiation and IAC escaping around the line's bytes."""

    def __init__(self, conn: socket.socket) -> None:
        super().__init__(conn)
        self._manager = serial.rfc2217.PortManager(VirtualUart(), self)

    def write(self, data: bytes) -> None:
        """The PortManager's connection: negotiation replies go straight to the client."""
        with self._lock:
            self._conn.sendall(data)

    def incoming(self, data: bytes) -> bytes:
        return b"".join(self._manager.filter(data))

    def send(self, data: bytes) -> bool:
        return super().send(b"".join(self._manager.escape(data)))


class TcpPort:
    """A listener on 127.0.0.1 (port 0 picks a free one) serving the console to its clients."""

    def __init__(
        self,
        line: ConsoleLine,
        feed: Callable[[bytes], None],
        resources: Resources,
        *,
        rfc2217: bool = False,
        port: int = 0,
        max_sessions: int = DEFAULT_MAX_CONNECTIONS,
    ) -> None:
        self._line = line
        self._feed = feed
        self._resources = resources
        self.scheme = "rfc2217" if rfc2217 else "socket"
        self._client = Rfc2217Client if rfc2217 else RawClient
        self._listener = socket.create_server(("127.0.0.1", port))
        self._cap = ConnectionCap(f"serial {self.scheme} port", max_sessions)
        self._listener.settimeout(ACCEPT_POLL)
        host, bound = self._listener.getsockname()[:2]
        self.address: tuple[str, int] = (host, bound)

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.address[0]}:{self.address[1]}"

    def start(self) -> TcpPort:
        self._resources.spawn(f"serial-{self.scheme}-{self.address[1]}", self._accept)
        return self

    def _accept(self) -> None:
        for conn, _ in accepted(self._listener, self._resources.closing, f"serial {self.scheme} port"):
            if not self._cap.admit(conn):
                continue
            conn.settimeout(SEND_TIMEOUT)
            if not self._resources.track(conn):
                self._cap.leave()
                return
            try:
                client = self._client(conn)
            except OSError as exc:
                log.info("serial %s: client left during negotiation: %s", self.scheme, exc)
                self._resources.release(conn)
                self._cap.leave()
                continue
            self._line.attach(client)
            if self._resources.spawn(f"serial-{self.scheme}-client", self._serve, conn, client) is None:
                self._line.detach(client)
                self._resources.release(conn)
                self._cap.leave()

    def _serve(self, conn: socket.socket, client: RawClient) -> None:
        try:
            while not self._resources.closing.is_set():
                try:
                    data = conn.recv(RECV_SIZE)
                    keystrokes = client.incoming(data)  # may answer a Telnet negotiation
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not data:
                    return
                if keystrokes:
                    self._feed(keystrokes)
        finally:
            self._line.detach(client)
            self._resources.release(conn)
            self._cap.leave()

    def close(self) -> None:
        """Close the listener (the accept thread ends within ACCEPT_POLL)."""
        try:
            self._listener.close()
        except OSError as exc:
            log.debug("serial %s: closing the listener: %s", self.scheme, exc)
