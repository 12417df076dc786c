"""Newline-delimited JSON over one byte stream to the shim, with optional line armor.

Armored lines (serial relays) are ``<json>\\t<crc32 hex>``; kernel log lines that interleave with
them are dropped first (:mod:`harness.kernel_log`) and a checksum mismatch is an error, never a
silently lost or altered message.
"""

from __future__ import annotations

import contextlib
import json
import time
import zlib
from typing import Any

from harness.errors import ConnectionLost, ShimError, TransportError, TransportTimeout
from harness.kernel_log import pop_line
from harness.transport.base import Stream

MAX_LINE_BYTES = 16 * 1024 * 1024
RECV_SIZE = 65536
# Built once: json.dumps/loads with options build a new encoder/decoder on every call (~5 µs each).
_encode = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode
_decode = json.JSONDecoder().decode


def clip(data: bytes | str, limit: int = 200) -> str:
    """A printable, shortened rendering of a line for error messages."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    text = text.rstrip("\r\n")
    return repr(text if len(text) <= limit else text[:limit] + "...")


class LineChannel:
    """Sends JSON messages and receives the shim's, each within a deadline (``time.monotonic()``)."""

    def __init__(self, stream: Stream, *, armor: bool, device: str = "", transport: str = "") -> None:
        self._stream = stream
        self._armor = armor
        self._device = device
        self._transport = transport
        self._buffer = bytearray()

    def send(self, message: dict[str, Any], deadline: float) -> None:
        data = (_encode(message) + "\n").encode()
        try:
            self._stream.settimeout(self._remaining(deadline, "sending to the shim"))
            self._stream.sendall(data)
        except TransportError:
            raise
        except TimeoutError as exc:
            raise self._timeout("sending to the shim timed out") from exc
        except OSError as exc:
            raise self._lost(f"connection to the shim broke while sending: {exc}") from exc

    def receive(self, deadline: float) -> dict[str, Any]:
        """The next message from the shim. TransportTimeout at the deadline, ConnectionLost on EOF."""
        while True:
            line = self._next_line()
            if line is None:
                self._fill(deadline)
                continue
            if line.strip():
                return self._parse(line)

    def close(self) -> None:
        with contextlib.suppress(OSError, TransportError):
            self._stream.close()

    @property
    def stream_closed(self) -> bool:
        """The transport took the stream back (a serial console needed for a command)."""
        return bool(getattr(self._stream, "closed", False))

    def _next_line(self) -> bytes | None:
        if self._armor:
            line = pop_line(self._buffer)
        else:
            end = self._buffer.find(b"\n")
            line = None if end < 0 else bytes(self._buffer[: end + 1])
            if line is not None:
                del self._buffer[: end + 1]
        return None if line is None else line.rstrip(b"\r\n")

    def _fill(self, deadline: float) -> None:
        try:
            self._stream.settimeout(self._remaining(deadline, "waiting for the shim"))
            chunk = self._stream.recv(RECV_SIZE)
        except TransportError:
            raise
        except TimeoutError as exc:
            raise self._timeout("no answer from the shim in time") from exc
        except OSError as exc:
            raise self._lost(f"connection to the shim broke: {exc}") from exc
        if not chunk:
            raise self._lost("the shim closed the connection")
        self._buffer += chunk
        if len(self._buffer) > MAX_LINE_BYTES and b"\n" not in self._buffer:
            raise self._shim_error(
                f"shim sent a line longer than {MAX_LINE_BYTES} bytes: {clip(self._buffer)}"
            )

    def _remaining(self, deadline: float, doing: str) -> float:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise self._timeout(f"timed out {doing}")
        return remaining

    def _parse(self, line: bytes) -> dict[str, Any]:
        payload = self._unarmor(line) if self._armor else line
        try:
            message = _decode(payload.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise self._shim_error(f"shim sent a line that is not JSON ({exc}): {clip(line)}") from exc
        if not isinstance(message, dict):
            raise self._shim_error(f"shim sent a line that is not a JSON object: {clip(line)}")
        return message

    def _unarmor(self, line: bytes) -> bytes:
        payload, tab, crc = line.rpartition(b"\t")
        if not tab or len(crc) != 8:
            raise self._shim_error(f"corrupted line (no checksum): {clip(line)}")
        try:
            expected = int(crc, 16)
        except ValueError:
            expected = -1
        if zlib.crc32(payload) != expected:
            raise self._shim_error(f"corrupted line (checksum mismatch): {clip(line)}")
        return payload

    def _where(self) -> str:
        where = "/".join(part for part in (self._device, self._transport) if part)
        return f"[{where}] " if where else ""

    def _shim_error(self, message: str) -> ShimError:
        return ShimError(self._where() + message)

    def _timeout(self, message: str) -> TransportTimeout:
        return TransportTimeout(message, device=self._device, transport=self._transport)

    def _lost(self, message: str) -> ConnectionLost:
        return ConnectionLost(message, device=self._device, transport=self._transport)
