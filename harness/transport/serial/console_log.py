"""A bounded record of everything read from a serial console, with the time each part arrived.

Reports attach the console's slice of a test: take :meth:`ConsoleLog.mark` when the test starts and
:meth:`ConsoleLog.since` when it ends. The text is the line's raw bytes (kernel messages, echo and
prompts included), one line per row, each row stamped with the host time its first byte was read.
"""

from __future__ import annotations

import threading
import time
from collections import deque

DEFAULT_LIMIT = 1024 * 1024


class ConsoleLog:
    """Raw console bytes, oldest dropped beyond ``limit`` bytes; positions are byte offsets."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self._limit = limit
        self._chunks: deque[tuple[int, float, bytes]] = deque()  # (offset, time read, bytes)
        self._start = 0  # offset of the oldest byte kept
        self._end = 0
        self._lock = threading.Lock()

    def add(self, data: bytes) -> None:
        with self._lock:
            self._chunks.append((self._end, time.time(), data))
            self._end += len(data)
            while self._end - self._start > self._limit and len(self._chunks) > 1:
                offset, _, dropped = self._chunks.popleft()
                self._start = offset + len(dropped)

    def mark(self) -> int:
        """The current position, for :meth:`since`."""
        with self._lock:
            return self._end

    def raw_since(self, mark: int) -> bytes:
        with self._lock:
            return b"".join(
                data[max(0, mark - offset) :] for offset, _, data in self._chunks if offset + len(data) > mark
            )

    def since(self, mark: int) -> str:
        """What was read after ``mark``, as stamped rows (``HH:MM:SS.mmm  text``)."""
        with self._lock:
            chunks = [(o, t, d) for o, t, d in self._chunks if o + len(d) > mark]
            lost = max(0, self._start - mark)
        rows: list[str] = [f"… {lost} earlier bytes dropped (console log limit)"] if lost else []
        current = bytearray()
        stamp = 0.0
        for offset, read_at, data in chunks:
            for piece in data[max(0, mark - offset) :].splitlines(keepends=True):
                if not current:
                    stamp = read_at
                current += piece
                if piece.endswith(b"\n"):
                    rows.append(_row(stamp, current))
                    current = bytearray()
        if current:
            rows.append(_row(stamp, current))
        return "\n".join(rows) + ("\n" if rows else "")


def _row(stamp: float, line: bytes) -> str:
    clock = time.strftime("%H:%M:%S", time.localtime(stamp)) + f".{int(stamp % 1 * 1000):03d}"
    return f"{clock}  {line.decode('utf-8', errors='replace').rstrip(chr(13) + chr(10))}"
