"""The serial line on the host side: pyserial, drained by a reader thread, with typed errors.

``serial.serial_for_url`` opens every kind of line (a tty or pty path, `socket://`, `rfc2217://`).
A daemon thread reads the line all the time, as a serial console needs: a UART has no flow control,
and what the host does not take from its small tty buffer is lost. It appends every chunk to the
:class:`ConsoleLog` as it arrives (so the log's times are arrival times) and to a bounded buffer that
:meth:`SerialPort.read` hands out. The thread waits on the line's file descriptor where it has one
(ttys, `socket://`); an `rfc2217://` line, read by pyserial's own thread, is polled in short slices.
"""

from __future__ import annotations

import select
import threading
import time
from collections.abc import Callable

import serial

from harness.errors import ConnectionLost, TransportError, TransportTimeout
from harness.transport.serial.console_log import ConsoleLog

READ_SIZE = 65536
POLL = 0.05  # the reader thread looks at its stop flag this often
BUFFER_LIMIT = 4 * 1024 * 1024  # unread bytes kept; beyond it the oldest go (they are in the log)
JOIN_TIMEOUT = 2.0

ErrorFactory = Callable[[str, type[TransportError]], TransportError]


class SerialPort:
    """One open serial line; ``error`` builds the transport's errors (device and transport named)."""

    def __init__(
        self, url: str, baudrate: int, write_timeout: float, log: ConsoleLog, error: ErrorFactory
    ) -> None:
        self.url = url
        self._log = log
        self._error = error
        self._writing = threading.Lock()
        self._arrived = threading.Condition()
        self._buffer = bytearray()
        self._failure: str | None = None
        self._stop = threading.Event()
        try:
            # pyserial's rfc2217 client has no write timeout (its writes go to a socket)
            timeouts = {} if url.startswith("rfc2217://") else {"write_timeout": write_timeout}
            self._serial = serial.serial_for_url(url, baudrate=baudrate, timeout=0, **timeouts)
        except (OSError, ValueError) as exc:
            raise error(f"cannot open serial line {url}: {exc}", TransportError) from None
        try:
            self._fd: int | None = self._serial.fileno()
        except (AttributeError, NotImplementedError, OSError):
            self._fd = None
            self._serial.timeout = POLL
        self._serial.reset_input_buffer()  # what the line printed while nobody listened
        self._reader = threading.Thread(target=self._drain, name=f"serial-reader {url}", daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while not self._stop.is_set():
            try:
                if self._fd is not None:
                    ready, _, _ = select.select([self._fd], [], [], POLL)
                    data = self._serial.read(READ_SIZE) if ready else b""
                else:
                    data = self._serial.read(max(1, self._serial.in_waiting))
            except (OSError, ValueError, TypeError) as exc:  # SerialException is an OSError
                with self._arrived:
                    self._failure = "" if self._stop.is_set() else str(exc)
                    self._arrived.notify_all()
                return
            if data:
                self._log.add(data)
                with self._arrived:
                    self._buffer += data
                    if len(self._buffer) > BUFFER_LIMIT:
                        del self._buffer[: len(self._buffer) - BUFFER_LIMIT]
                    self._arrived.notify_all()

    def read(self, timeout: float) -> bytes:
        """What arrived, waiting up to ``timeout`` seconds for the first byte; ``b""`` if nothing."""
        deadline = time.monotonic() + max(0.0, timeout)
        with self._arrived:
            while not self._buffer:
                if self._failure is not None:
                    raise self._error(f"reading {self.url} failed: {self._failure}", ConnectionLost)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return b""
                self._arrived.wait(remaining)
            data, self._buffer = bytes(self._buffer), bytearray()
            return data

    def write(self, data: bytes) -> None:
        try:
            with self._writing:
                self._serial.write(data)
        except serial.SerialTimeoutException:
            raise self._error(f"writing to {self.url} timed out", TransportTimeout) from None
        except (OSError, ValueError) as exc:
            raise self._error(f"writing to {self.url} failed: {exc}", ConnectionLost) from None

    def close(self) -> None:
        self._stop.set()
        self._reader.join(JOIN_TIMEOUT)
        try:
            self._serial.close()
        except (OSError, ValueError) as exc:
            raise self._error(f"closing {self.url} failed: {exc}", TransportError) from None
