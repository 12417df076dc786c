"""The small protocol every transport implements.

A transport runs a shell command and returns its output and exit status, moves files, opens a byte
stream to a TCP port on the device, and runs a long command whose output is read while it runs.
Every call has a timeout and raises a :class:`harness.errors.TransportError` subclass, never a bare
socket or library exception.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from harness.errors import DeviceCommandError

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


class Transport(Protocol):
    """One way of reaching one device."""

    name: str
    device_id: str

    def run(self, command: str, timeout: float = DEFAULT_COMMAND_TIMEOUT) -> CommandResult: ...

    def push(self, local: Path, remote: str, timeout: float = DEFAULT_TRANSFER_TIMEOUT) -> None: ...

    def pull(self, remote: str, local: Path, timeout: float = DEFAULT_TRANSFER_TIMEOUT) -> None: ...

    def open_stream(self, device_port: int, timeout: float = DEFAULT_CONNECT_TIMEOUT) -> Stream: ...

    def route(self, device_port: int) -> AbstractContextManager[None]:
        """Keep the way to ``device_port`` open across the streams opened inside (hdc: one forward
        for all the connect attempts; transports without set-up per port do nothing)."""
        ...

    def start(self, command: str) -> RunningCommand: ...

    def close(self) -> None: ...
