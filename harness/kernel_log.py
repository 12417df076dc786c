"""Kernel log (printk) lines that interleave with other output on a serial console.

A console with ``CONFIG_PRINTK_TIME`` prints kernel messages as ``[  123.456789] text`` followed by
a newline, at any moment, also in the middle of a line another program is writing. Readers of
console bytes (the serial transport, armored shim streams) take them out before parsing.
"""

from __future__ import annotations

import re
from typing import AnyStr

# `[`, optional padding, seconds.fraction, `]`, then nothing or a space and the message, then the
# line end. Kept in sync with armor.js, which escapes look-alikes inside the shim's JSON strings.
_PRINTK = r"\[ *[0-9]+\.[0-9]+\](?: [^\n]*)?\r?\n"
PRINTK_LINE = re.compile(_PRINTK)
PRINTK_LINE_BYTES = re.compile(_PRINTK.encode())


def strip_kernel_lines(text: AnyStr) -> AnyStr:
    """``text`` without complete printk lines, wherever they start (also mid-line)."""
    pattern = PRINTK_LINE_BYTES if isinstance(text, bytes) else PRINTK_LINE
    return pattern.sub(text[:0], text)


def pop_line(buffer: bytearray) -> bytes | None:
    """Remove and return the next complete line (with its ``\\n``) from ``buffer``, printk lines removed.

    A printk line injected into the middle of a line ends with its own newline; it is cut out and
    the line it interrupted goes on after it. Returns None until a complete line has arrived.
    """
    while True:
        end = buffer.find(b"\n")
        if end < 0:
            return None
        segment = bytes(buffer[: end + 1])
        match = PRINTK_LINE_BYTES.search(segment)
        if match is None:
            del buffer[: end + 1]
            return segment
        del buffer[match.start() : match.end()]
