"""Run parsed command lines against an emulated device, with `sh`'s exit statuses."""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from ohos_emulator.fs import DeviceFsError
from ohos_emulator.shell.io import (
    BytesInput,
    ChunkInput,
    CommandContext,
    InputStream,
    ShellIO,
    Writer,
    discard,
)
from ohos_emulator.shell.parser import Pipeline, ShellSyntaxError, SimpleCommand, Word, parse

if TYPE_CHECKING:
    from ohos_emulator.device import EmulatedDevice

_VARIABLE = re.compile(r"\\\$|\$(\?|\$|\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)")
NOT_FOUND = 127
SYNTAX_ERROR = 2


class ShellSession:
    """One shell: its working directory, variables and last exit status, kept across lines."""

    def __init__(self, device: EmulatedDevice, env: dict[str, str] | None = None) -> None:
        self.device = device
        self.cwd = "/"
        self.env = {"PATH": "/system/bin:/bin", "HOME": "/", "SHELL": "/bin/sh", **(env or {})}
        self.status = 0
        self.pid = os.getpid()

    def run(self, line: str, io: ShellIO) -> int:
        """Run a line; returns (and remembers) the last exit status. `exit` raises ShellExit."""
        try:
            chains = parse(line)
        except ShellSyntaxError as exc:
            io.stderr(f"sh: {exc}\n".encode())
            self.status = SYNTAX_ERROR
            return self.status
        for chain in chains:
            if io.cancel.is_set():  # the client went away: the shell is killed, nothing more runs
                break
            self.status = self._pipeline(chain.first, io)
            for operator, pipeline in chain.rest:
                if io.cancel.is_set():
                    break
                if (operator == "&&") == (self.status == 0):
                    self.status = self._pipeline(pipeline, io)
        return self.status

    def expand(self, word: Word) -> str:
        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name is None:
                return "$"
            if name == "?":
                return str(self.status)
            if name == "$":
                return str(self.pid)
            return self.env.get(name.strip("{}"), "")

        return "".join(_VARIABLE.sub(substitute, text) if expand else text for text, expand in word.parts)

    def _pipeline(self, pipeline: Pipeline, io: ShellIO) -> int:
        stdin: InputStream = io.stdin
        status = 0
        for index, command in enumerate(pipeline.commands):
            last = index == len(pipeline.commands) - 1
            captured: list[bytes] = []
            out = io.stdout if last else captured.append
            status = self._command(command, stdin, out, io)
            stdin = BytesInput(b"".join(captured))
        return status

    def _command(self, command: SimpleCommand, stdin: InputStream, out: Writer, io: ShellIO) -> int:
        args = [self.expand(word) for word in command.words]
        err: Writer = io.stderr
        closers: list[Callable[[], None]] = []
        try:
            for redirect in command.redirects:
                if redirect.op == ">&":  # n>&m: fd n writes where fd m writes now
                    if redirect.fd == 2 and redirect.target == 1:
                        err = out
                    elif redirect.fd == 1 and redirect.target == 2:
                        out = err
                    continue
                target = self.expand(redirect.target)  # type: ignore[arg-type]
                if redirect.op == "<":
                    stdin = self._open_input(target)
                    continue
                writer = self._open_output(target, append=redirect.op == ">>", closers=closers)
                if redirect.fd == 1:
                    out = writer
                else:
                    err = writer
        except DeviceFsError as exc:
            io.stderr(f"sh: {exc}\n".encode())
            return 1
        try:
            if not args:
                return 0
            return self._execute(args, stdin, out, err, io)
        except DeviceFsError as exc:
            err(f"{args[0]}: {exc}\n".encode())
            return 1
        finally:
            for close in closers:
                close()

    def _execute(self, args: list[str], stdin: InputStream, out: Writer, err: Writer, io: ShellIO) -> int:
        name = args[0].rsplit("/", 1)[-1]
        command = self.device.commands.get(name)
        if command is None:
            err(f"sh: {args[0]}: not found\n".encode())
            return NOT_FOUND
        context = CommandContext(self.device, self, [name, *args[1:]], stdin, out, err, io.cancel)
        return command(context)

    def _open_input(self, target: str) -> InputStream:
        """`< FILE`: the file read in chunks as the command reads it (ENOENT raised here, at once)."""
        if target == "/dev/null":
            return BytesInput()
        path = self.device.fs.normalize(target, self.cwd)
        if not self.device.fs.exists(path):
            raise DeviceFsError(errno.ENOENT, path)
        if self.device.fs.is_dir(path):
            raise DeviceFsError(errno.EISDIR, path)
        return ChunkInput(self.device.fs.iter_chunks(path))

    def _open_output(self, target: str, append: bool, closers: list[Callable[[], None]]) -> Writer:
        if target == "/dev/null":
            return discard
        writer = self.device.fs.open_writer(self.device.fs.normalize(target, self.cwd), append=append)
        closers.append(writer.close)
        return writer.write
