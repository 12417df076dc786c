"""Streams a device command reads and writes, and what a command gets to run with."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from ohos_emulator.fs import DeviceFilesystem

if TYPE_CHECKING:
    from ohos_emulator.device import EmulatedDevice
    from ohos_emulator.shell.interpreter import ShellSession

Writer = Callable[[bytes], None]


class InputStream(Protocol):
    """Blocking byte input; ``read`` returns ``b""`` at end of input."""

    def read(self, size: int = -1) -> bytes: ...


class BytesInput:
    """Input from a byte string (pipes, redirections, non-interactive commands)."""

    def __init__(self, data: bytes = b"") -> None:
        self._data = data
        self._at = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else min(len(self._data), self._at + size)
        chunk = self._data[self._at : end]
        self._at = end
        return chunk


class ChunkInput:
    """Input from an iterator of byte chunks (a `< FILE` redirection), read as the command asks."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = b""

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            data, self._pending = self._pending + b"".join(self._chunks), b""
            return data
        while not self._pending:
            chunk = next(self._chunks, b"")
            if not chunk:
                return b""
            self._pending = chunk
        data, self._pending = self._pending[:size], self._pending[size:]
        return data


def discard(_: bytes) -> None:
    """A writer that drops everything (`/dev/null`)."""


@dataclass
class ShellIO:
    """A command line's standard streams and its cancellation (client went away, Ctrl-C)."""

    stdout: Writer
    stderr: Writer
    stdin: InputStream = field(default_factory=BytesInput)
    cancel: threading.Event = field(default_factory=threading.Event)


class ShellExit(Exception):
    """`exit N`: the shell session ends with status N."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


@dataclass
class CommandContext:
    """Everything one command invocation can use."""

    device: EmulatedDevice
    session: ShellSession
    args: list[str]
    stdin: InputStream
    out: Writer
    err: Writer
    cancel: threading.Event

    @property
    def name(self) -> str:
        return self.args[0]

    @property
    def fs(self) -> DeviceFilesystem:
        return self.device.fs

    def print(self, text: str) -> None:
        self.out(text.encode("utf-8"))

    def error(self, text: str) -> None:
        """`name: text` on stderr, as toybox commands report problems."""
        self.err(f"{self.name}: {text}\n".encode())

    def path(self, device_path: str) -> str:
        return self.fs.normalize(device_path, self.session.cwd)


Command = Callable[[CommandContext], int]
