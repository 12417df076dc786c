"""Cutting a device's hilog into one slice per test, from `date` and `hilog -x` output alone.

hilog lines start with the device's local time, ``MM-DD HH:MM:SS.mmm``. A slice is what the buffer
gained since the previous slice of the same device ended (its last line is remembered); when that
line is gone (the first test, a cleared or wrapped buffer) it is the lines stamped at or after the
test's start, read from the device's `date` (second resolution, so a slice may begin with lines of
the same second just before the test).
"""

from __future__ import annotations

import re

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MAX_LINES = 5000

Stamp = tuple[int, int, int, int, int]  # month, day, hour, minute, second (device local time)

_LINE_STAMP = re.compile(r"^(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.\d{3}\b")
_DATE = re.compile(r"\b(" + "|".join(MONTHS) + r") +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})\b")


def date_stamp(date_output: str) -> Stamp | None:
    """The time in the default output of `date` (``Tue Nov 25 10:15:19 CST 2025``), if it has one."""
    found = _DATE.search(date_output)
    if found is None:
        return None
    month, day, hour, minute, second = found.groups()
    return (MONTHS.index(month) + 1, int(day), int(hour), int(minute), int(second))


def line_stamp(line: str) -> Stamp | None:
    found = _LINE_STAMP.match(line)
    return tuple(int(part) for part in found.groups()) if found else None  # type: ignore[return-value]


class HilogSlicer:
    """The per-test slices of one device's hilog."""

    def __init__(self) -> None:
        self._last_line: str | None = None
        self._start: Stamp | None = None

    def begin(self, date_output: str) -> None:
        """A test starts; ``date_output`` is the device's `date` at that moment."""
        self._start = date_stamp(date_output)

    def cut(self, hilog_output: str) -> list[str]:
        """The test's lines out of the whole buffer (`hilog -x`), at most :data:`MAX_LINES` of the last."""
        lines = hilog_output.splitlines()
        since = self._after_last_line(lines)
        if since is None:
            since = self._from_start(lines)
        if lines:
            self._last_line = lines[-1]
        if len(since) > MAX_LINES:
            left_out = len(since) - MAX_LINES
            since = [f"… {left_out} earlier lines left out", *since[-MAX_LINES:]]
        return since

    def _after_last_line(self, lines: list[str]) -> list[str] | None:
        if self._last_line is None:
            return None
        for index in range(len(lines) - 1, -1, -1):
            if lines[index] == self._last_line:
                return lines[index + 1 :]
        return None

    def _from_start(self, lines: list[str]) -> list[str]:
        if self._start is None:
            return lines
        for index, line in enumerate(lines):
            stamp = line_stamp(line)
            if stamp is not None and stamp >= self._start:
                return lines[index:]
        return []
