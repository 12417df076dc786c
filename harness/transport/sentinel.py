"""Exit statuses over shells that do not report them (hdc, a serial console).

:meth:`Sentinel.wrap` appends a second line to a command line that prints a marker carrying ``$?``;
:meth:`Sentinel.parse` splits the output into what the command printed and its exit status.

The marker line is ``<command>`` + two newlines + ``echo __HIL_RC"_<nonce>"=$?``:

- the newline (not ``;``) ends a trailing comment and survives a command ending in ``&``, where
  ``&;`` would be a syntax error; a command ending in ``&`` reports the status of starting it (0);
- the blank line ends a line continuation, so a trailing ``\\`` joins an empty line, not the marker;
- the quotes make the typed text (``__HIL_RC"_…"``, echoed back by a console) differ from the
  printed marker (``__HIL_RC_…=N``), and the per-call random nonce means output of the command
  itself cannot fake a marker.

Not supported: a top-level ``exit`` (the shell ends before the marker: :meth:`parse` then raises),
unbalanced quotes or other syntax errors (no marker either; the error quotes the shell's message),
a trailing ``&&`` / ``||`` / ``|`` (the marker becomes part of that command), here-documents, and, on
an interactive console, commands that read standard input (they would read the marker line).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from harness.errors import TransportError

PREFIX = "__HIL_RC"
TAIL_CHARS = 400
MARKER_LINE = re.compile(PREFIX + r"_([0-9a-f]+)=(\d+)\r?\n")  # compiled once, for every command


@dataclass(frozen=True)
class SentinelMatch:
    """Where a marker was found in the output, and the exit status it carries."""

    exit_status: int
    start: int
    end: int


@dataclass(frozen=True)
class Sentinel:
    """One command's marker; make a new one per command with :meth:`new`."""

    nonce: str

    @classmethod
    def new(cls) -> Sentinel:
        return cls(secrets.token_hex(8))

    @property
    def marker(self) -> str:
        """The text the device prints before the exit status."""
        return f"{PREFIX}_{self.nonce}="

    def wrap(self, command: str) -> str:
        """The command line to send: the command, then a line printing the marker and ``$?``."""
        return f'{command}\n\necho {PREFIX}"_{self.nonce}"=$?'

    def find(self, output: str) -> SentinelMatch | None:
        """The last complete marker line in ``output``, or None if it has not (fully) arrived yet."""
        if self.marker not in output:  # the usual case while output arrives: no regex at all
            return None
        matches = [found for found in MARKER_LINE.finditer(output) if found.group(1) == self.nonce]
        if not matches:
            return None
        last = matches[-1]
        return SentinelMatch(int(last.group(2)), last.start(), last.end())

    def parse(self, output: str, *, device: str = "", transport: str = "") -> tuple[str, int]:
        """(what the command printed, its exit status); TransportError if no marker is present."""
        match = self.find(output)
        if match is None:
            tail = output[-TAIL_CHARS:]
            raise TransportError(
                "the command ended without printing its exit-status marker (an `exit`, a shell syntax "
                f"error, or a dropped connection); output tail: {tail!r}",
                device=device,
                transport=transport,
            )
        return output[: match.start] + output[match.end :], match.exit_status
