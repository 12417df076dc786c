"""What holds a serial console while it runs: a relay to a device port, or a long-running command.

While one of these is open the console is busy (one line, one shell); closing it interrupts the
command with Ctrl-C and brings the console back to a sane prompt.

:class:`SerialRelay`: the console runs ``stty raw -echo isig && echo <ready> && nc 127.0.0.1 PORT;
echo <end marker>=$?``. Raw mode without echo carries the stream's bytes unchanged in both
directions, except the tty's signal characters (Ctrl-C, Ctrl-Z, Ctrl-\\), which stay special so that
Ctrl-C can end `nc`; :meth:`SerialRelay.sendall` refuses them (the shim protocol's JSON never
contains them). Kernel messages still appear in the stream (the kernel's console driver writes
them whatever the tty modes): readers of a relay must expect them, which is what the shim's armor
does. The relay ends when the transport closes it, or when `nc` ends (the far side closed, or it
could not connect: then reading raises ConnectionLost quoting what `nc` printed).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from harness.errors import ConnectionLost, TransportTimeout
from harness.kernel_log import pop_line, strip_kernel_lines
from harness.transport.sentinel import Sentinel
from harness.transport.serial.capture import Capture
from harness.transport.serial.session import READ_SLICE, ConsoleSession

SIGNAL_BYTES = frozenset(b"\x03\x1a\x1c")  # INTR, SUSP, QUIT: acted on by the tty even in raw mode
SCAN_KEEP = 4096  # bytes of an unterminated line kept for the end-marker scan
RECENT_BYTES = 512


class SerialRelay:
    """A byte stream to a device port through `nc` on the console (a Stream)."""

    def __init__(
        self,
        session: ConsoleSession,
        device_port: int,
        sentinel: Sentinel,
        data: bytes,
        on_close: Callable[[SerialRelay], None],
    ) -> None:
        self._session = session
        self.device_port = device_port
        self._sentinel = sentinel
        self._marker = sentinel.marker.encode()
        self._on_close = on_close
        self._buffer = bytearray()
        self._scan = bytearray()
        self._recent = b""  # the last bytes received, for the error when nc fails
        self._timeout: float | None = None
        self._reading = threading.Lock()
        self._closed = False
        self.exit_status: int | None = None  # set when `nc` ended on its own
        self._end_text = ""
        self._take(data)

    @property
    def closed(self) -> bool:
        return self._closed

    def settimeout(self, timeout: float | None) -> None:
        self._timeout = timeout

    def sendall(self, data: bytes) -> None:
        self._check_open("send to")
        special = sorted(f"0x{b:02x}" for b in SIGNAL_BYTES & set(data))
        if special:
            raise self._session.error(
                f"a serial relay cannot carry the tty's signal characters {', '.join(special)}"
            )
        self._session.send(data)

    def recv(self, bufsize: int) -> bytes:
        """Up to ``bufsize`` bytes; ``b""`` when the far side closed; TimeoutError after ``settimeout``."""
        with self._reading:
            deadline = None if self._timeout is None else time.monotonic() + self._timeout
            while not self._buffer:
                self._check_open("receive from")
                if self.exit_status == 0:
                    return b""
                wait = READ_SLICE if deadline is None else min(READ_SLICE, deadline - time.monotonic())
                if wait <= 0:
                    raise TimeoutError(f"device port {self.device_port}: nothing within {self._timeout} s")
                self._take(self._session.port.read(wait))
            chunk = bytes(self._buffer[:bufsize])
            del self._buffer[:bufsize]
            return chunk

    def _check_open(self, doing: str) -> None:
        if self._closed:
            raise self._session.error(f"cannot {doing} device port {self.device_port}: the relay is closed")
        if self.exit_status not in (None, 0):
            raise self._session.error(
                f"the relay to device port {self.device_port} ended (nc exit status {self.exit_status}): "
                f"{self._end_text}",
                ConnectionLost,
            )

    def _take(self, data: bytes) -> None:
        """New bytes from the line: to the reader, unless they carry the relay's end marker."""
        if not data or self.exit_status is not None:
            return
        self._buffer += data
        self._scan += data
        self._recent = (self._recent + data)[-RECENT_BYTES:]
        while (line := pop_line(self._scan)) is not None:
            match = self._sentinel.find(line.decode("utf-8", errors="replace"))
            if match is None:
                continue
            self.exit_status = match.exit_status
            self._session.in_sync = False
            cut = self._buffer.rfind(self._marker)
            if cut >= 0:
                del self._buffer[cut:]
            if match.exit_status != 0:  # nc failed: what it printed is the error, not stream data
                recent = self._recent[: self._recent.rfind(self._marker)]
                text = strip_kernel_lines(recent).decode("utf-8", errors="replace")
                self._end_text = text.strip() or "(nothing printed)"
                self._buffer.clear()
            return
        if len(self._scan) > SCAN_KEEP:
            del self._scan[: -len(self._marker) - 64]

    def close(self) -> None:
        """End the relay (Ctrl-C) and give the console back; a recv in another thread returns first."""
        if self._closed:
            return
        self._closed = True
        with self._reading:
            self._on_close(self)

    def __enter__(self) -> SerialRelay:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SerialCommand:
    """A long-running command on the console (a RunningCommand): its output lines as they come."""

    def __init__(
        self,
        session: ConsoleSession,
        command: str,
        sentinel: Sentinel,
        capture: Capture,
        on_close: Callable[[SerialCommand], None],
    ) -> None:
        self._session = session
        self.command = command
        self._sentinel = sentinel
        self._capture = capture
        self._on_close = on_close
        self._reading = threading.Lock()
        self._closing = threading.Lock()
        self._closed = False
        self._stopping = False  # stop() was called: a read in another thread returns
        self.exit_status: int | None = None

    def read(self, timeout: float) -> bytes:
        """Complete output lines that arrived, waiting up to ``timeout``; ``b""`` once the command
        ended. TransportTimeout when nothing arrived and the command still runs."""
        with self._reading:
            deadline = time.monotonic() + timeout
            while True:
                output = self._drain()
                if output:
                    return output
                if self.exit_status is not None:
                    self._release()  # ended on its own: the console is free again
                    return b""
                if self._closed or self._stopping:
                    return b""
                if not self._session.read_into(self._capture, deadline):
                    raise self._session.error(
                        f"`{self.command}` printed nothing within {timeout:g} s", TransportTimeout
                    )

    def _drain(self) -> bytes:
        if self.exit_status is not None:
            return b""
        lines, self._capture.lines = self._capture.lines, []
        out = bytearray()
        for line in lines:
            match = self._sentinel.find(line.decode("utf-8", errors="replace"))
            if match is not None:
                self.exit_status = match.exit_status
                self._session.in_sync = False
                out += line[: line.find(self._sentinel.marker.encode())]
                break
            out += line
        return bytes(out).replace(b"\r\n", b"\n")

    def stop(self) -> None:
        """Interrupt the command (if it still runs) and give the console back."""
        self._stopping = True
        with self._reading:
            self._release()

    def _release(self) -> None:
        with self._closing:
            if self._closed:
                return
            self._closed = True
        self._on_close(self)

    def __enter__(self) -> SerialCommand:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
