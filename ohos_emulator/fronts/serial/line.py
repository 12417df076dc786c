"""The transmit side of an emulated UART: every byte the console sends reaches every attached client.

A real serial line has one receiver; the emulator lets a pty client and TCP clients watch the same
line at once (like a serial server that fans a port out). Kernel messages are written here whole,
between or inside other writes, as the kernel's console driver interleaves them.
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol

from ohos_emulator.fronts.serial.noise import KernelNoise
from ohos_emulator.kmsg import KernelLog, KernelRecord

log = logging.getLogger(__name__)


class Sink(Protocol):
    """A client of the line; ``send`` returns False when the client is gone (it is detached)."""

    def send(self, data: bytes) -> bool: ...


class ConsoleLine:
    """Broadcasts console output to the attached sinks, one write at a time."""

    def __init__(self, kmsg: KernelLog, noise: KernelNoise | None = None) -> None:
        self._kmsg = kmsg
        self._noise = noise
        self._sinks: list[Sink] = []
        self._lock = threading.Lock()

    def attach(self, sink: Sink) -> None:
        with self._lock:
            self._sinks.append(sink)

    def detach(self, sink: Sink) -> None:
        with self._lock:
            if sink in self._sinks:
                self._sinks.remove(sink)

    def screen(self, data: bytes) -> None:
        """Bytes the terminal itself sends (echo, prompts)."""
        self._send(data)

    def program(self, data: bytes) -> None:
        """Program output; kernel noise may be printed inside its lines."""
        self._send(self._noise.inject(data) if self._noise is not None else data)

    def kernel(self, record: KernelRecord) -> None:
        """A kernel message (a KernelLog listener): printed whole when the console level lets it."""
        if self._kmsg.on_console(record):
            self._send(record.console_bytes())

    def _send(self, data: bytes) -> None:
        if not data:
            return
        with self._lock:
            for sink in list(self._sinks):
                if not sink.send(data):
                    log.info("serial console: a client went away")
                    self._sinks.remove(sink)
