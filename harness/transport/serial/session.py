"""The console protocol of a serial shell: find the prompt (logging in where asked), type framed
lines and read back what they printed and their exit status, interrupt and return to the prompt.

Every command is typed as **one line**: lines typed ahead of a running command are echoed by the
tty while that command prints, which would mix the echo into its output. A user command becomes
``sh -c '<command>' < /dev/null; echo __HIL_RC"_<nonce>"=$?`` (the marker line of
:class:`harness.transport.sentinel.Sentinel`): a fresh shell with empty standard input per command, as
hdc and SSH run them, so a trailing ``&``, ``#`` or ``\\`` cannot swallow the marker and ``exit 7``
reports 7. Control lines the transport types itself (``stty sane``, the relay) run in the console's
shell, so that they act on its terminal.

Reading is tolerant of the console: complete kernel messages are removed wherever they appear
(:class:`Capture`), the echo of the typed line is cut (it ends with the marker command as typed,
which differs from the marker as printed), and ``\\r\\n`` becomes ``\\n``. Output that looks like
printk lines (`dmesg`) is removed as well: on a console it cannot be told from kernel messages.
"""

from __future__ import annotations

import shlex
import time

from harness.errors import TransportError
from harness.transport.sentinel import Sentinel
from harness.transport.serial.capture import Capture
from harness.transport.serial.port import ErrorFactory, SerialPort

MAX_LINE = 4095  # a canonical tty line (N_TTY) holds 4095 bytes before its newline
PROMPT_WAIT = 2.0  # after the marker line, how long the prompt may take to follow
NUDGE_EVERY = 1.0  # while looking for a prompt, press Enter again this often
READ_SLICE = 0.5
INTERRUPT = b"\x03"


class PromptNotFound(TransportError):
    """No prompt appeared in time (the caller may interrupt and try again)."""


class CommandExpired(Exception):
    """The marker of a typed line did not arrive before the deadline."""

    def __init__(self, capture: Capture) -> None:
        super().__init__("deadline passed")
        self.capture = capture


def marker_command(sentinel: Sentinel) -> str:
    """The command that prints ``sentinel``'s marker and ``$?``: the last line of its wrap."""
    return sentinel.wrap("").strip()


def command_line(command: str, sentinel: Sentinel) -> str:
    """How a user command is typed: in a fresh shell, stdin empty, then the marker."""
    return f"sh -c {shlex.quote(command)} < /dev/null; {marker_command(sentinel)}"


def control_line(line: str, sentinel: Sentinel) -> str:
    """How the transport's own lines are typed: in the console's shell, then the marker."""
    return f"{line}; {marker_command(sentinel)}"


def unprintable(text: str) -> list[str]:
    """Characters a console line cannot carry (control characters end, edit or interrupt it)."""
    return sorted({repr(c) for c in text if (ord(c) < 0x20 and c != "\t") or ord(c) == 0x7F})


class ConsoleSession:
    """A console line in use: the port, the login to give, and what was learned about the console."""

    def __init__(self, port: SerialPort, login: tuple[str, str] | None, error: ErrorFactory) -> None:
        self.port = port
        self._login = login
        self._error = error
        self.echoes = True  # the console echoes typed lines (learned from each exchange)
        self.in_sync = False  # the console sits at a prompt after a marker we read

    def error(self, message: str, kind: type[TransportError] = TransportError) -> TransportError:
        return self._error(message, kind)

    def send(self, data: bytes) -> None:
        self.port.write(data)

    def read_into(self, capture: Capture, deadline: float) -> bool:
        """Read what arrives before ``deadline`` (at most READ_SLICE); False once the deadline passed."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        capture.feed(self.port.read(min(remaining, READ_SLICE)))
        return True

    def check_line(self, typed: str) -> None:
        size = len(typed.encode("utf-8"))
        if size > MAX_LINE:
            raise self.error(
                f"the line to type is {size} bytes; a console line holds {MAX_LINE}: {typed[:80]!r}…"
            )

    # -- prompt and login -----------------------------------------------------------------------------
    def reach_prompt(self, deadline: float, nudge: bytes = b"\r") -> None:
        """Press Enter (``nudge``), then Ctrl-C and Enter every NUDGE_EVERY seconds, until a shell
        prompt shows, logging in on the way where asked.

        PromptNotFound at the deadline (quoting what the console printed); TransportError when the
        console asks for a login that was not given, or refuses the one given.
        """
        capture = Capture()
        if nudge:
            self.send(nudge)
        next_nudge = time.monotonic() + NUDGE_EVERY
        sent_password = False
        while True:
            if capture.at_shell_prompt():
                return
            if capture.at_login_prompt():
                if self._login is None:
                    raise self.error(
                        "the console asks for a login and none was given (login=(user, password))"
                    )
                if sent_password:
                    refused = (
                        "answered 'Login incorrect'" if capture.saw(b"Login incorrect") else "asked again"
                    )
                    raise self.error(f"login as {self._login[0]!r} refused: the console {refused}")
                self.send(self._login[0].encode() + b"\r")
                capture = Capture()
                continue
            if capture.at_password_prompt():
                if self._login is None or sent_password:
                    self.send(b"\r")  # a password prompt nobody asked for: an empty answer, then login
                else:
                    self.send(self._login[1].encode() + b"\r")
                    sent_password = True
                capture = Capture()
                continue
            if not self.read_into(capture, min(deadline, next_nudge)):
                if time.monotonic() >= deadline:
                    raise self.error(
                        f"no shell prompt on {self.port.url} in time; "
                        f"the console printed: {capture.recent()!r}",
                        PromptNotFound,
                    )
                self.send(INTERRUPT + b"\r")  # Enter alone did not help: something may still run
                next_nudge = time.monotonic() + NUDGE_EVERY

    # -- framed lines ---------------------------------------------------------------------------------
    def exchange(self, typed: str, sentinel: Sentinel, deadline: float) -> tuple[str, int]:
        """Type ``typed`` (a line ending in ``sentinel``'s marker command); (output, exit status).

        CommandExpired when the marker has not arrived by ``deadline``.
        """
        self.check_line(typed)
        self.in_sync = False
        echo_end = marker_command(sentinel).encode()
        self.send(typed.encode("utf-8") + b"\r")
        capture = Capture()
        start: int | None = None
        scanned = 0
        while True:
            while scanned < len(capture.lines):
                line = capture.lines[scanned]
                scanned += 1
                if start is None and echo_end in line:
                    start = scanned  # the echo of the typed line ends here
                    continue
                text = line.decode("utf-8", errors="replace")
                match = sentinel.find(text)
                if match is not None:
                    self.echoes = start is not None
                    body = [
                        part.decode("utf-8", errors="replace")
                        for part in capture.lines[start or 0 : scanned - 1]
                    ]
                    body.append(text[: match.start])
                    self._await_prompt(capture, deadline)
                    return "".join(body).replace("\r\n", "\n"), match.exit_status
            if not self.read_into(capture, deadline):
                raise CommandExpired(capture)

    def _await_prompt(self, capture: Capture, deadline: float) -> None:
        """Read the prompt that follows a marker, so that it is not taken for the next output."""
        until = min(deadline, time.monotonic() + PROMPT_WAIT)
        while not capture.at_shell_prompt():
            if not self.read_into(capture, until):
                return  # no prompt: the next call synchronises first
        self.in_sync = True

    def skip_echo(self, capture: Capture, typed: str, deadline: float) -> None:
        """Read until the echo of ``typed`` has passed (when the console echoes), dropping it."""
        if not self.echoes:
            return
        tail = typed.encode("utf-8")[-40:]
        while not any(tail in line for line in capture.lines):
            if not self.read_into(capture, deadline):
                raise CommandExpired(capture)
        index = next(i for i, line in enumerate(capture.lines) if tail in line)
        del capture.lines[: index + 1]

    # -- recovery -------------------------------------------------------------------------------------
    def interrupt(self, deadline: float) -> None:
        """Ctrl-C until the console is back at a prompt and answers a framed ``stty sane``."""
        last = ""
        while time.monotonic() < deadline:
            self.send(INTERRUPT)
            try:
                self.reach_prompt(min(deadline, time.monotonic() + 2 * NUDGE_EVERY), nudge=b"")
                sentinel = Sentinel.new()
                self.exchange(control_line("stty sane", sentinel), sentinel, deadline)
            except PromptNotFound as exc:
                last = str(exc)
                continue
            except CommandExpired as exc:
                last = exc.capture.recent()
                continue
            if self.in_sync:
                return
        raise self.error(f"the console did not come back to a shell prompt after Ctrl-C: {last}")
