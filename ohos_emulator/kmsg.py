"""The emulated device's kernel log: a ring buffer (`dmesg`) and the console log level (`dmesg -n`).

:meth:`KernelLog.printk` records a message and hands it to the listeners (a serial console prints
it when :meth:`KernelLog.on_console` says its level passes the console log level, as the kernel
does: a message is printed when its level is *below* the console level). :meth:`KernelLog.log`
only records, for a console that prints a message itself at a place of its choosing.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_CONSOLE_LEVEL = 7  # KERN_DEBUG (7) stays off the console, everything more urgent is printed
LEVELS = range(1, 9)  # what `dmesg -n` accepts
BOOT_MESSAGES = (
    (5, "Linux version 5.10.184 (ohos-hil@emulator) #1 SMP PREEMPT"),
    (6, "Kernel command line: console=ttyS0,115200 androidboot.hardware=emulator"),
    (6, "printk: console [ttyS0] enabled"),
)


@dataclass(frozen=True)
class KernelRecord:
    """One kernel message: seconds since boot, level (0 emergency … 7 debug), text."""

    seconds: float
    level: int
    text: str

    def format(self) -> str:
        """``[  123.456789] text``, as `dmesg` and the console print it."""
        whole = int(self.seconds)
        micros = int((self.seconds - whole) * 1_000_000)
        return f"[{whole:5d}.{micros:06d}] {self.text}"

    def console_bytes(self) -> bytes:
        """The message as the console driver sends it (always ``\\r\\n``, whatever the tty modes)."""
        return (self.format() + "\r\n").encode("utf-8", errors="replace")


class KernelLog:
    """A bounded ring of kernel messages, the console log level, and console listeners."""

    def __init__(self, capacity: int = 4096) -> None:
        self._booted = time.monotonic()
        self._records: deque[KernelRecord] = deque(maxlen=capacity)
        self._listeners: list[Callable[[KernelRecord], None]] = []
        self._lock = threading.Lock()
        self.console_level = DEFAULT_CONSOLE_LEVEL
        for level, text in BOOT_MESSAGES:
            self.log(text, level)

    def log(self, text: str, level: int = 6) -> KernelRecord:
        """Record a message in the ring buffer only."""
        record = KernelRecord(time.monotonic() - self._booted, level, text)
        with self._lock:
            self._records.append(record)
        return record

    def printk(self, text: str, level: int = 6) -> KernelRecord:
        """Record a message and hand it to the console listeners."""
        record = self.log(text, level)
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(record)
        return record

    def on_console(self, record: KernelRecord) -> bool:
        """Whether the console prints ``record`` at the current console log level."""
        return record.level < self.console_level

    def set_console_level(self, level: int) -> None:
        if level not in LEVELS:
            raise ValueError(f"console log level must be {LEVELS.start}..{LEVELS.stop - 1}, not {level}")
        self.console_level = level

    def records(self) -> list[KernelRecord]:
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def subscribe(self, listener: Callable[[KernelRecord], None]) -> None:
        with self._lock:
            self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[KernelRecord], None]) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)
