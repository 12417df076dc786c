"""Console text read during one exchange, with kernel messages taken out, and what it shows.

Complete lines are popped with :func:`harness.kernel_log.pop_line` (printk lines removed, also those
printed inside another line); the line still being written is kept raw, and :meth:`Capture.tail`
shows it without complete printk lines, for the prompt tests.
"""

from __future__ import annotations

from harness.kernel_log import pop_line, strip_kernel_lines

SHELL_PROMPTS = (b"# ", b"$ ")
RECENT_CHARS = 300


class Capture:
    """Lines read since the exchange began (kernel messages removed) and the partial last line."""

    def __init__(self, data: bytes = b"") -> None:
        self.lines: list[bytes] = []
        self._partial = bytearray()
        self.feed(data)

    def feed(self, data: bytes) -> None:
        self._partial += data
        while (line := pop_line(self._partial)) is not None:
            self.lines.append(line)

    def tail(self) -> bytes:
        """The line being written, without complete kernel messages."""
        return strip_kernel_lines(bytes(self._partial))

    def rest(self) -> bytes:
        """The raw bytes not yet part of a complete line."""
        return bytes(self._partial)

    def recent(self, chars: int = RECENT_CHARS) -> str:
        """The end of what was read, for error messages."""
        text = b"".join(self.lines[-20:]).decode("utf-8", errors="replace") + self.tail().decode(
            "utf-8", errors="replace"
        )
        return text[-chars:]

    def at_shell_prompt(self) -> bool:
        return self.tail().endswith(SHELL_PROMPTS)

    def at_login_prompt(self) -> bool:
        return self.tail().rstrip().lower().endswith(b"login:")

    def at_password_prompt(self) -> bool:
        return self.tail().rstrip().lower().endswith(b"password:")

    def saw(self, text: bytes) -> bool:
        return any(text in line for line in self.lines) or text in self.tail()
