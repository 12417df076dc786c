"""One client connection to an hdc server (a "channel"), bounded by its operation's deadline.

An :class:`Operation` is one client action: the device key it targets, how errors name it, and its
deadline; :meth:`Operation.connect` opens a :class:`Channel` (TCP connect, the server's handshake,
the client's reply). Every connect, read and write waits at most until the deadline, and failures
become :class:`harness.errors.TransportError` subclasses naming the device, never bare socket errors.
"""

from __future__ import annotations

import contextlib
import select
import socket
import time
from collections.abc import Iterator

from harness.errors import ConnectionLost, TransportError, TransportTimeout
from ohos_protocol import hdc_wire as wire

TRANSPORT = "hdc"
RECV_SIZE = 256 * 1024


class Deadline:
    """A point in time ``timeout`` seconds from creation."""

    def __init__(self, timeout: float) -> None:
        self._at = time.monotonic() + timeout

    def remaining(self) -> float:
        """Seconds left; TimeoutError once the deadline has passed."""
        left = self._at - time.monotonic()
        if left <= 0:
            raise TimeoutError("deadline passed")
        return left


class Operation:
    """One client action: its device key, how errors name it, and its deadline."""

    def __init__(
        self, server: tuple[str, int], connect_timeout: float, key: str, action: str, timeout: float
    ) -> None:
        self.server = server
        self.connect_timeout = connect_timeout
        self.key = key
        self.action = action
        self.restart(timeout)

    def restart(self, timeout: float) -> None:
        """A new deadline, ``timeout`` seconds from now."""
        self.timeout = timeout
        self.deadline = Deadline(timeout)

    def error(self, text: str, kind: type[TransportError] = TransportError) -> TransportError:
        return kind(f"{self.action}: {text.strip() or 'no answer'}", device=self.key, transport=TRANSPORT)

    def check_refusal(self, output: bytes) -> None:
        """TransportError when ``output`` is the server refusing the target, not device output."""
        text = output.decode("utf-8", errors="replace")
        if text.startswith(wire.SERVER_REFUSALS):
            raise self.error(f"hdc server {self.server[0]}:{self.server[1]}: {text.strip()}")

    @contextlib.contextmanager
    def failures(self) -> Iterator[None]:
        """Turn socket and protocol failures inside the block into typed transport errors."""
        where = f"hdc server {self.server[0]}:{self.server[1]}"
        try:
            yield
        except TransportError:
            raise
        except TimeoutError:
            raise self.error(
                f"no answer from the {where} within {self.timeout:g} s", TransportTimeout
            ) from None
        except wire.TruncatedFrame as exc:
            raise self.error(f"{where}: {exc}", ConnectionLost) from None
        except wire.ProtocolError as exc:
            raise self.error(f"the {where} sent something that is not hdc: {exc}") from None
        except ConnectionRefusedError:
            raise self.error(f"cannot connect to the {where} (connection refused)") from None
        except OSError as exc:
            raise self.error(f"connection to the {where} failed: {exc}", ConnectionLost) from None

    @contextlib.contextmanager
    def connect(self) -> Iterator[Channel]:
        """A channel to the server for this operation, closed at the end of the block."""
        with self.failures():
            channel = Channel(self)
            try:
                yield channel
            finally:
                channel.close()


class Channel:
    """One connection to the server, past the handshake; every wait ends at the operation's deadline."""

    def __init__(self, op: Operation) -> None:
        self._op = op
        self._decoder = wire.FrameDecoder()
        connect_timeout = min(op.connect_timeout, op.deadline.remaining())
        self._sock = socket.create_connection(op.server, timeout=connect_timeout)
        try:
            self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            hello = self.read()
            if hello is None:
                raise op.error("the hdc server closed the connection before its handshake", ConnectionLost)
            server = wire.ServerHello.decode(hello)
            self.send(wire.ClientHello(server.banner, op.key, server.version).encode())
        except BaseException:
            self.close()
            raise

    def send(self, payload: bytes) -> None:
        self._sock.settimeout(self._op.deadline.remaining())
        self._sock.sendall(wire.encode_frame(payload))

    def send_line(self, text: str) -> None:
        """A command line, NUL-terminated as the real client sends it."""
        self.send(text.encode("utf-8") + b"\0")

    def send_command(self, command: wire.Command, payload: bytes = b"") -> None:
        self.send(wire.command_frame(command, payload))

    def read(self) -> bytes | None:
        """The next frame; None at a clean end of the connection."""
        while (frame := self._decoder.next_frame()) is None:
            self._sock.settimeout(self._op.deadline.remaining())
            data = self._sock.recv(RECV_SIZE)
            if not data:
                if self._decoder.pending:
                    raise wire.TruncatedFrame(f"connection closed inside a frame ({self._decoder.pending} B)")
                return None
            self._decoder.feed(data)
        return frame

    def read_all(self) -> bytes:
        parts: list[bytes] = []
        while (frame := self.read()) is not None:
            parts.append(frame)
        return b"".join(parts)

    def expect(self, code: wire.Command) -> bytes:
        """The payload of the next frame, which must be ``code``; a text frame is the server's failure."""
        frame = self.read()
        if frame is None:
            raise self._op.error(
                f"the server closed the connection instead of sending {code.name}", ConnectionLost
            )
        if len(frame) >= 2 and wire.split_command(frame)[0] == code:
            return frame[2:]
        text = frame.decode("utf-8", errors="replace")
        with contextlib.suppress(OSError, wire.ProtocolError):
            self._op.restart(1.0)
            text += self.read_all().decode("utf-8", errors="replace")
        raise self._op.error(text)

    def has_input(self) -> bool:
        """A frame (or part of one, or the end) can be read without waiting."""
        if self._decoder.pending:
            return True
        readable, _, _ = select.select([self._sock], [], [], 0)
        return bool(readable)

    def shutdown(self) -> None:
        """End the connection both ways; a read blocked in another thread returns."""
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.close()
