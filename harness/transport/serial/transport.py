"""`SerialTransport`: a device reached through its serial console (any pyserial URL).

The line is opened lazily (``serial_for_url``: a tty or pty path, `socket://`, `rfc2217://`); the
transport presses Enter until a shell prompt shows, logging in where the console asks, types a
framed ``stty sane`` to be in step, and lowers the console log level (``dmesg -n 1``) when the device
allows it (:attr:`SerialTransport.kernel_quieted` records whether it did). Commands, files and
relays then go over the console as :mod:`.session`, :mod:`.files` and :mod:`.streams` describe.

One thing at a time: commands hold a lock, and while a relay (:meth:`open_stream`) or a long command
(:meth:`start`) is open the console is theirs, so other calls raise TransportError until it closes.
A command that times out is interrupted with Ctrl-C and the console is brought back to the prompt
before TransportTimeout is raised, so the next command works. A broken line (read or write error)
is closed; the next call opens it again.

Everything read from the line is kept in :attr:`console_log` (bounded), for reports:
:meth:`console_mark` / :meth:`console_since`.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from harness.errors import ConnectionLost, TransportError, TransportTimeout
from harness.trace import Trace
from harness.transport.base import (
    DEFAULT_COMMAND_TIMEOUT,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_TRANSFER_TIMEOUT,
    ActionKind,
    CommandResult,
    output_tail,
    transport_action,
)
from harness.transport.sentinel import Sentinel
from harness.transport.serial.capture import Capture
from harness.transport.serial.console_log import DEFAULT_LIMIT, ConsoleLog
from harness.transport.serial.files import Run, pull_file, push_file
from harness.transport.serial.port import SerialPort
from harness.transport.serial.session import (
    CommandExpired,
    ConsoleSession,
    command_line,
    control_line,
    marker_command,
    unprintable,
)
from harness.transport.serial.streams import SerialCommand, SerialRelay

TRANSPORT = "serial"
DEFAULT_BAUDRATE = 115200
DEFAULT_WRITE_TIMEOUT = 10.0
RECOVER_TIMEOUT = 10.0
CLEANUP_TIMEOUT = 10.0
RELAY_READY = "__HIL_RELAY"


class SerialTransport:
    """The :class:`harness.transport.base.Transport` of one device behind a serial console.

    ``login``: (user, password) for a console that asks (pass secrets from the environment);
    ``quiet_kernel``: lower the console log level at connect (kernel messages are removed from
    output either way).
    """

    name = TRANSPORT
    armored_streams = True
    """Streams go through `nc` on the console, which kernel messages share (base.Armored)."""

    def __init__(
        self,
        url: str,
        baudrate: int = DEFAULT_BAUDRATE,
        *,
        login: tuple[str, str] | None = None,
        device_id: str = "",
        trace: Trace | None = None,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        write_timeout: float = DEFAULT_WRITE_TIMEOUT,
        quiet_kernel: bool = True,
        console_log_limit: int = DEFAULT_LIMIT,
    ) -> None:
        self.url = url
        self.device_id = device_id or url
        self.trace = trace if trace is not None else Trace()
        self.console_log = ConsoleLog(console_log_limit)
        self.kernel_quieted: bool | None = None
        self._baudrate = baudrate
        self._login = login
        self._connect_timeout = connect_timeout
        self._write_timeout = write_timeout
        self._quiet_kernel = quiet_kernel
        self._session: ConsoleSession | None = None
        self._holder: SerialRelay | SerialCommand | None = None
        self._lock = threading.RLock()

    def error(self, message: str, kind: type[TransportError] = TransportError) -> TransportError:
        return kind(message, device=self.device_id, transport=self.name)

    # -- the line -------------------------------------------------------------------------------------
    def connect(self) -> None:
        """Open the line and reach the prompt now (other calls do it when needed)."""
        with self._lock, self._guard():
            self._ready()

    def _ready(self) -> ConsoleSession:
        """The session, open and at a prompt.

        An open relay is closed to free the console (a shim client attached to it reconnects on its
        next request; the shim's session and queued events survive); a running command is not.
        """
        if isinstance(self._holder, SerialRelay):
            self._holder.close()
        if self._holder is not None:
            raise self.error(f"the console is busy with {self._describe(self._holder)}; close it first")
        deadline = time.monotonic() + self._connect_timeout
        if self._session is None:
            self._session = self._open(deadline)
        elif not self._session.in_sync:
            self._recover(self._session, deadline)
        return self._session

    def _open(self, deadline: float) -> ConsoleSession:
        what = f"open console {self.url}"
        with transport_action(self, "console", what) as record:
            port = SerialPort(self.url, self._baudrate, self._write_timeout, self.console_log, self.error)
            session = ConsoleSession(port, self._login, self.error)
            try:
                session.reach_prompt(deadline)
                self._expect(session, "stty sane", deadline, control=True)
                if self._quiet_kernel:
                    _, status = self._expect(session, "dmesg -n 1", deadline)
                    self.kernel_quieted = status == 0
            except BaseException:
                with contextlib.suppress(TransportError):
                    port.close()
                raise
            record.result = {
                "login": self._login[0] if self._login else None,
                "echo": session.echoes,
                "kernelQuieted": self.kernel_quieted,
            }
        return session

    def _expect(
        self, session: ConsoleSession, line: str, deadline: float, *, control: bool = False
    ) -> tuple[str, int]:
        """A line the transport needs while connecting: its marker by ``deadline`` or TransportError."""
        sentinel = Sentinel.new()
        typed = control_line(line, sentinel) if control else command_line(line, sentinel)
        try:
            return session.exchange(typed, sentinel, deadline)
        except CommandExpired as exc:
            raise self.error(
                f"the console at {self.url} did not answer `{line}` in time; it printed: "
                f"{exc.capture.recent()!r}"
            ) from None

    def _recover(self, session: ConsoleSession, deadline: float) -> None:
        with transport_action(self, "console", "Ctrl-C and back to the prompt"):
            session.interrupt(deadline)

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        """A broken line is closed, so that the next call opens it again."""
        try:
            yield
        except ConnectionLost:
            self._drop()
            raise

    def _drop(self) -> None:
        session, self._session = self._session, None
        self._holder = None
        if session is not None:
            with contextlib.suppress(TransportError):
                session.port.close()

    @staticmethod
    def _describe(holder: SerialRelay | SerialCommand) -> str:
        if isinstance(holder, SerialRelay):
            return f"a relay to device port {holder.device_port}"
        return f"`{holder.command}`"

    # -- commands -------------------------------------------------------------------------------------
    def _check_command(self, command: str) -> None:
        bad = unprintable(command)
        if bad:
            raise self.error(
                f"a console command is one line of printable text; `{command[:80]}` has {', '.join(bad)}"
            )

    def _framed(self, command: str, deadline: float) -> tuple[str, int]:
        """Run ``command`` (framed) with the lock held; TransportTimeout (after Ctrl-C) at the deadline."""
        session = self._ready()
        sentinel = Sentinel.new()
        try:
            return session.exchange(command_line(command, sentinel), sentinel, deadline)
        except CommandExpired as exc:
            self._recover(session, time.monotonic() + RECOVER_TIMEOUT)
            raise self.error(
                f"`{command[:200]}` did not finish in time (interrupted with Ctrl-C); "
                f"it printed: {exc.capture.recent()!r}",
                TransportTimeout,
            ) from None

    def run(self, command: str, timeout: float = DEFAULT_COMMAND_TIMEOUT) -> CommandResult:
        """Run ``command`` in a fresh shell on the console; stdout and stderr come merged."""
        self._check_command(command)
        with transport_action(self, "shell", command) as record:
            with self._lock, self._guard():
                output, status = self._framed(command, time.monotonic() + timeout)
            record.result = {"exitStatus": status, "output": output_tail(output)}
        return CommandResult(command, output, status)

    def start(self, command: str) -> SerialCommand:
        """``command`` running on the console, its output read as it comes (RunningCommand)."""
        self._check_command(command)
        with transport_action(self, "shell", command), self._lock, self._guard():
            session = self._ready()
            sentinel = Sentinel.new()
            typed = command_line(command, sentinel)
            session.check_line(typed)
            session.in_sync = False
            session.send(typed.encode("utf-8") + b"\r")
            capture = Capture()
            try:
                session.skip_echo(capture, typed, time.monotonic() + self._connect_timeout)
            except CommandExpired:
                self._recover(session, time.monotonic() + RECOVER_TIMEOUT)
                raise self.error(f"the console did not take `{command}`", TransportTimeout) from None
            holder = SerialCommand(session, command, sentinel, capture, self._release)
            self._holder = holder
            return holder

    # -- files ----------------------------------------------------------------------------------------
    def _runner(self, deadline: float) -> Run:
        return lambda command: self._framed(command, deadline)

    def _cleanup_runner(self) -> Run:
        return lambda command: self._framed(command, time.monotonic() + CLEANUP_TIMEOUT)

    def push(self, local: Path, remote: str, timeout: float = DEFAULT_TRANSFER_TIMEOUT) -> None:
        """Copy ``local`` to ``remote`` in checksummed chunks; the final name only gets the whole file."""
        local = Path(local)
        what = f"push {local} -> {remote}"
        with transport_action(self, "push", what) as record:
            if not local.is_file():
                raise self.error(f"{what}: {local} is not a file")
            with self._lock, self._guard():
                deadline = time.monotonic() + timeout
                result = push_file(self._runner(deadline), self._cleanup_runner(), local, remote, self.error)
            record.result = {
                "direction": "push",
                "bytes": result.size,
                "chunks": result.chunks,
                "resent": result.resent,
            }

    def pull(self, remote: str, local: Path, timeout: float = DEFAULT_TRANSFER_TIMEOUT) -> None:
        """Copy ``remote`` to ``local`` (base64 over the console, sha256 checked, renamed when complete)."""
        local = Path(local)
        what = f"pull {remote} -> {local}"
        with transport_action(self, "pull", what) as record:
            if not local.parent.is_dir():
                raise self.error(f"{what}: local directory {local.parent} does not exist")
            with self._lock, self._guard():
                size = pull_file(self._runner(time.monotonic() + timeout), remote, local, self.error)
            record.result = {"direction": "pull", "bytes": size}

    # -- streams --------------------------------------------------------------------------------------
    def route(self, device_port: int) -> contextlib.AbstractContextManager[None]:
        """Nothing to keep: every stream is set up on its own."""
        return contextlib.nullcontext()

    def open_stream(self, device_port: int, timeout: float = DEFAULT_CONNECT_TIMEOUT) -> SerialRelay:
        """A byte stream to ``device_port`` through `nc` on the console (one relay at a time)."""
        what = f"relay to device port {device_port}"
        with transport_action(self, "forward", what, port=device_port), self._lock, self._guard():
            session = self._ready()
            relay = self._start_relay(session, device_port, time.monotonic() + timeout)
            self._holder = relay
            return relay

    def _start_relay(self, session: ConsoleSession, device_port: int, deadline: float) -> SerialRelay:
        sentinel, ready = Sentinel.new(), Sentinel.new().nonce
        typed = (
            f'stty raw -echo isig && echo {RELAY_READY}"_{ready}" && nc 127.0.0.1 {device_port}; '
            f"{marker_command(sentinel)}"
        )
        session.check_line(typed)
        session.in_sync = False
        session.send(typed.encode() + b"\r")
        capture = Capture()
        ready_line = f"{RELAY_READY}_{ready}".encode()
        scanned = 0
        while True:
            for index in range(scanned, len(capture.lines)):
                line = capture.lines[index]
                if ready_line in line:
                    data = b"".join(capture.lines[index + 1 :]) + capture.rest()
                    return SerialRelay(session, device_port, sentinel, data, self._release)
                if sentinel.find(line.decode("utf-8", errors="replace")) is not None:
                    text = b"".join(capture.lines[:index]).decode("utf-8", errors="replace")
                    self._recover(session, time.monotonic() + RECOVER_TIMEOUT)
                    raise self.error(
                        f"the relay to device port {device_port} did not start: {text.strip()[-300:]}"
                    )
            scanned = len(capture.lines)
            if not session.read_into(capture, deadline):
                self._recover(session, time.monotonic() + RECOVER_TIMEOUT)
                raise self.error(
                    f"the relay to device port {device_port} did not start in time: {capture.recent()!r}",
                    TransportTimeout,
                )

    def _release(self, holder: SerialRelay | SerialCommand) -> None:
        """A relay or long command closed: interrupt it and bring the console back to the prompt."""
        what = f"end {self._describe(holder)}"
        kind: ActionKind = "forward" if isinstance(holder, SerialRelay) else "shell"
        with transport_action(self, kind, what), self._lock:
            try:
                if self._session is not None:
                    with self._guard():
                        self._session.interrupt(time.monotonic() + RECOVER_TIMEOUT)
            finally:
                if self._holder is holder:
                    self._holder = None

    # -- console log ----------------------------------------------------------------------------------
    def console_mark(self) -> int:
        """A position in the console log, for :meth:`console_since`."""
        return self.console_log.mark()

    def console_since(self, mark: int) -> str:
        """Everything read from the line after ``mark``, one stamped row per line."""
        return self.console_log.since(mark)

    def close(self) -> None:
        """End a relay or long command that is still open and close the line."""
        with self._lock:
            holder = self._holder
            if holder is not None:
                with contextlib.suppress(TransportError):
                    holder.close() if isinstance(holder, SerialRelay) else holder.stop()
            self._drop()
