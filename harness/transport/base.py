"""What transports offer, as small protocols, and the one way they trace what they do.

Every transport runs shell commands (:class:`Shell`: their output and exit status, or a long command
read while it runs), moves files (:class:`FileTransfer`) and opens byte streams to TCP ports on the
device (:class:`PortStream`); :class:`Transport` is all three. Some offer more, and the harness asks
for it with ``isinstance`` (the protocols are runtime-checkable), never by a transport's name:
:class:`AppInstall` (installs HAPs itself: hdc), :class:`ConsoleCapture` (a console whose output is
kept: serial), :class:`Armored` (its streams cross a shared console, so the shim's lines are
CRC-armored: serial).

Every call has a timeout and raises a :class:`harness.errors.TransportError` subclass, never a bare
socket or library exception, and is one trace action made by :func:`transport_action`, whose kind
is one of :data:`ACTION_KINDS`.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol, get_args, runtime_checkable

from harness.errors import DeviceCommandError
from harness.trace import Trace, TraceRecord

DEFAULT_COMMAND_TIMEOUT = 30.0
DEFAULT_TRANSFER_TIMEOUT = 300.0
DEFAULT_CONNECT_TIMEOUT = 10.0
TRACE_OUTPUT_CHARS = 2000


def output_tail(text: str, limit: int = TRACE_OUTPUT_CHARS) -> str:
    """``text`` cut to its last ``limit`` characters for a trace record (the end says the most)."""
    return text if len(text) <= limit else f"…({len(text) - limit} chars cut){text[-limit:]}"


@dataclass(frozen=True)
class CommandResult:
    """What a shell command printed and how it exited.

    ``output`` is stdout; on transports whose device shell merges the two streams (hdc, serial) it
    holds stderr too, and ``stderr`` is empty.
    """

    command: str
    output: str
    exit_status: int
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return self.exit_status == 0

    def check(self) -> CommandResult:
        """Return self, or raise :class:`DeviceCommandError` when the command failed."""
        if not self.ok:
            raise DeviceCommandError(self.command, self.exit_status, self.output + self.stderr)
        return self


class Stream(Protocol):
    """A byte stream to a TCP port on the device (the part of a socket paramiko channels share)."""

    def sendall(self, data: bytes) -> None: ...

    def recv(self, bufsize: int) -> bytes: ...

    def settimeout(self, timeout: float | None) -> None: ...

    def close(self) -> None: ...


class RunningCommand(Protocol):
    """A device command whose output is read while it runs (``hilog``)."""

    def read(self, timeout: float) -> bytes:
        """Output that arrived, waiting up to ``timeout``; ``b""`` once the command has ended."""
        ...

    def stop(self) -> None: ...


@runtime_checkable
class Shell(Protocol):
    """Shell commands on the device: run to their end, or started and read while they run."""

    def run(self, command: str, timeout: float = DEFAULT_COMMAND_TIMEOUT) -> CommandResult: ...

    def start(self, command: str) -> RunningCommand: ...


@runtime_checkable
class FileTransfer(Protocol):
    """Files between the host and the device."""

    def push(self, local: Path, remote: str, timeout: float = DEFAULT_TRANSFER_TIMEOUT) -> None: ...

    def pull(self, remote: str, local: Path, timeout: float = DEFAULT_TRANSFER_TIMEOUT) -> None: ...


@runtime_checkable
class PortStream(Protocol):
    """Byte streams to TCP ports on the device."""

    def open_stream(self, device_port: int, timeout: float = DEFAULT_CONNECT_TIMEOUT) -> Stream: ...

    def route(self, device_port: int) -> AbstractContextManager[None]:
        """Keep the way to ``device_port`` open across the streams opened inside (hdc: one forward
        for all the connect attempts; transports without set-up per port do nothing)."""
        ...


@runtime_checkable
class AppInstall(Protocol):
    """A transport that installs and uninstalls HAPs itself (hdc); others push and run `bm`."""

    def install(self, local: Path, replace: bool = True, timeout: float = DEFAULT_TRANSFER_TIMEOUT) -> str:
        """Install ``local``; bm's text (TransportError with it when the install fails)."""
        ...

    def uninstall(self, bundle: str, timeout: float = DEFAULT_COMMAND_TIMEOUT) -> str: ...


@runtime_checkable
class ConsoleCapture(Protocol):
    """A transport with a console (serial) that keeps what it printed, for each test's console slice."""

    def console_mark(self) -> int:
        """A position in everything the console printed so far."""
        ...

    def console_since(self, mark: int) -> str:
        """What the console printed after ``mark`` (kernel messages included)."""
        ...


@runtime_checkable
class Armored(Protocol):
    """A transport whose port streams cross a console that other output shares (serial): the shim's
    lines on them are CRC-armored, so that interleaved kernel messages never corrupt a result."""

    armored_streams: Literal[True]


class Transport(Shell, FileTransfer, PortStream, Protocol):
    """One way of reaching one device: shell, files and port streams."""

    name: str
    device_id: str
    trace: Trace

    def close(self) -> None: ...


ActionKind = Literal["shell", "push", "pull", "forward", "install", "console"]
ACTION_KINDS: frozenset[str] = frozenset(get_args(ActionKind))
"""The kinds of a transport's trace actions: a shell command (run or started), a file pushed or
pulled, a way to a device port opened or closed (forward, relay, channel), an app installed or
uninstalled, the console itself (opened, brought back to its prompt)."""


def transport_action(
    transport: Transport, kind: ActionKind, title: str, **details: Any
) -> AbstractContextManager[TraceRecord]:
    """The trace action of one transport call, naming the device and the transport."""
    if kind not in ACTION_KINDS:
        raise ValueError(f"unknown transport action kind {kind!r}; known: {sorted(ACTION_KINDS)}")
    return transport.trace.action(
        kind, title, device=transport.device_id, transport=transport.name, **details
    )
