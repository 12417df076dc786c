"""A native hdc client: the client↔server socket protocol without spawning `hdc`.

Model: adbutils' socket client. One TCP connection (an hdc "channel", `harness.hdc.channel`) per
command, as the real CLI does; every connect, read and write is bounded by the operation's deadline;
failures surface as :class:`harness.errors.TransportError` subclasses naming the device and the
server, never as bare socket errors. File transfers and `install` play the real CLI's `remote -cwd`
sequences (docs/hdc-protocol.md §1.7) with one upload routine, check sizes, and write received
files under a temporary name until they are complete.
"""

from __future__ import annotations

import os
import posixpath
import re
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from harness.errors import TransportError
from harness.hdc.channel import TRANSPORT, Channel, Operation
from harness.transport.base import DEFAULT_COMMAND_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TRANSFER_TIMEOUT
from ohos_protocol import hdc_wire as wire

DEFAULT_PORT = 8710
CHUNK = 256 * 1024
_SUMMARY_SIZE = re.compile(r"FileTransfer finish, Size:(\d+)")
_UNINSTALL_MESSAGE = re.compile(r"App uninstall path:[^\r\n]*? msg:([^\r\n]*)")
PACKAGE_SUFFIXES = (".hap", ".hsp")
NO_PACKAGE = "[E006001] Not any installation package was found"
INSTALL_OK = "install bundle successfully"
UNINSTALL_OK = "uninstall bundle successfully"


class ForwardRefused(TransportError):
    """The server could not set up a forward: `[Fail]TCP Port listen failed at L` (the local port is taken)
    or `[Fail]Forwardport result:Failed` (the device side refused)."""


@dataclass(frozen=True)
class ForwardRule:
    """One `fport ls` line."""

    key: str
    local: str
    remote: str
    direction: str  # "Forward" | "Reverse"


def _quote(argument: str) -> str:
    """An argument as the real CLI joins it into a command line ("…" when it holds a space)."""
    if '"' in argument:
        raise TransportError(f"hdc cannot carry a double quote in a path: {argument!r}", transport=TRANSPORT)
    return f'"{argument}"' if " " in argument else argument


class ShellStream:
    """Output of a long-running `shell CMD` (`hilog`) as it arrives; :meth:`close` ends the command."""

    def __init__(self, op: Operation, channel: Channel, read_timeout: float) -> None:
        self._op = op
        self._channel = channel
        self._read_timeout = read_timeout
        self._reading = threading.Lock()
        self._started = False
        self.ended = False

    def read(self, timeout: float) -> bytes:
        """Output that arrived, waiting up to ``timeout`` for some; ``b""`` once the command ended.

        TransportTimeout when nothing arrived within ``timeout`` and the command still runs.
        """
        with self._reading:
            if self.ended:
                return b""
            self._op.restart(timeout)
            with self._op.failures():
                frame = self._channel.read()
                parts = [frame] if frame is not None else []
                while frame is not None and self._channel.has_input():
                    frame = self._channel.read()
                    if frame is not None:
                        parts.append(frame)
        data = b"".join(parts)
        if not self._started:
            self._started = True
            self._op.check_refusal(data)
        if frame is None:
            self.close()
        return data

    def __iter__(self) -> Iterator[bytes]:
        while chunk := self.read(self._read_timeout):
            yield chunk

    def stop(self) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (from any thread); the server then cancels the command."""
        self.ended = True
        self._channel.shutdown()
        with self._reading:  # a read in another thread has returned: nobody uses the socket now
            self._channel.close()

    def __enter__(self) -> ShellStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class HdcClient:
    """Commands to an hdc server at ``host:port``; ``timeout`` bounds connecting and server-local commands."""

    def __init__(
        self, host: str = "127.0.0.1", port: int = DEFAULT_PORT, timeout: float = DEFAULT_CONNECT_TIMEOUT
    ) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout

    @property
    def address(self) -> tuple[str, int]:
        return self.host, self.port

    def _text_command(self, key: str, line: str) -> str:
        op = Operation(self.address, self.timeout, key, f"`{line}`", self.timeout)
        with op.connect() as channel:
            channel.send_line(line)
            text = channel.read_all().decode("utf-8", errors="replace")
        op.check_refusal(text.encode())
        return text

    # -- server-local commands ------------------------------------------------------------------------
    def list_targets(self, verbose: bool = False) -> list[str]:
        """Connect keys (or, verbose, `KEY\\t\\tTYPE\\tSTATE\\tNAME` lines) of the server's targets."""
        text = self._text_command("", "list targets -v" if verbose else "list targets")
        if text.startswith(wire.FAIL):
            raise TransportError(f"list targets: {text.strip()}", transport=TRANSPORT)
        return [line for line in text.replace("\r", "").split("\n") if line and line != wire.EMPTY]

    def check_server(self) -> str:
        """The server's version (`Ver: 3.2.0f`)."""
        op = Operation(self.address, self.timeout, "", "checkserver", self.timeout)
        with op.connect() as channel:
            channel.send_line("checkserver")
            reply = channel.read_all()
        if len(reply) < 2 or wire.split_command(reply)[0] != wire.Command.CHECK_SERVER:
            raise op.error(reply.decode("utf-8", errors="replace"))
        return reply[2:].decode("utf-8", errors="replace")

    def fport_list(self) -> list[ForwardRule]:
        rules = []
        for line in self._text_command("", "fport ls").splitlines():
            words = line.split()
            if len(words) == 4 and words[3] in ("[Forward]", "[Reverse]"):
                rules.append(ForwardRule(words[0], words[1], words[2], words[3].strip("[]")))
        return rules

    def fport_remove(self, key: str, local: str, remote: str) -> None:
        """Remove the forward `local remote` (`tcp:L tcp:R`); TransportError if there is none.

        Sent with an empty connect key, as the real client does (`fport rm` is server-local).
        """
        text = self._text_command("", f"fport rm {local} {remote}")
        if "success" not in text:
            raise TransportError(
                f"fport rm {local} {remote}: {text.strip()}", device=key, transport=TRANSPORT
            )

    # -- device commands ------------------------------------------------------------------------------
    def fport(self, key: str, local: str, remote: str) -> None:
        """Forward `local` (`tcp:L` on the server's host) to `remote` (`tcp:R` on the device)."""
        text = self._text_command(key, f"fport {local} {remote}")
        if "Forwardport result:OK" not in text:
            refused = "Forwardport result:Failed" in text or "TCP Port listen failed at" in text
            kind = ForwardRefused if refused else TransportError
            raise kind(f"fport {local} {remote}: {text.strip()}", device=key, transport=TRANSPORT)

    def shell(
        self, key: str, command: str, timeout: float = DEFAULT_COMMAND_TIMEOUT, *, label: str | None = None
    ) -> bytes:
        """Everything `shell CMD` printed, read to the end of the command within ``timeout``.

        ``label`` names the command in errors (the caller's command when it sends a wrapped one).
        """
        op = Operation(self.address, self.timeout, key, f"shell `{label or command}`", timeout)
        with op.connect() as channel:
            channel.send_line(f"shell {command}")
            output = channel.read_all()
        op.check_refusal(output)
        return output

    def shell_stream(
        self, key: str, command: str, read_timeout: float = DEFAULT_COMMAND_TIMEOUT
    ) -> ShellStream:
        """Start `shell CMD`; the stream's iterator waits up to ``read_timeout`` for each chunk."""
        op = Operation(self.address, self.timeout, key, f"shell `{command}`", self.timeout)
        with op.failures():
            channel = Channel(op)
            try:
                channel.send_line(f"shell {command}")
            except BaseException:
                channel.close()
                raise
        return ShellStream(op, channel, read_timeout)

    # -- file transfer --------------------------------------------------------------------------------
    def file_send(self, key: str, local: Path, remote: str, timeout: float = DEFAULT_TRANSFER_TIMEOUT) -> int:
        """Copy host file ``local`` to device path ``remote``; returns the bytes sent."""
        local = Path(local).absolute()
        op = Operation(self.address, self.timeout, key, f"file send {local} {remote}", timeout)
        handle, size = _open_local(op, local)
        cwd = f"{local.parent}/"
        line = f"file send remote -cwd {_quote(cwd)} {_quote(local.name)} {_quote(remote)}"
        config = wire.TransferConfig(file_size=size, path=remote, optional_name=local.name, client_cwd=cwd)
        with handle, op.connect() as channel:
            channel.send_line(line)
            sent = _upload(channel, wire.FILE_TRANSFER, config, handle)
            channel.expect(wire.Command.FILE_FINISH)  # a device that gave up sends its reason instead
            channel.send_command(wire.Command.FILE_FINISH, b"\x00")
            text = channel.read_all().decode("utf-8", errors="replace")
        match = _SUMMARY_SIZE.search(text)
        if text.startswith(wire.FAIL) or match is None:
            raise op.error(text)
        if int(match.group(1)) != size or sent != size:
            raise op.error(f"size mismatch: sent {sent} of {size} bytes; the device reports {text}")
        return size

    def file_recv(self, key: str, remote: str, local: Path, timeout: float = DEFAULT_TRANSFER_TIMEOUT) -> int:
        """Copy device file ``remote`` to host path ``local``; returns the bytes received."""
        local = Path(local).absolute()
        if local.is_dir():
            local = local / posixpath.basename(remote)
        op = Operation(self.address, self.timeout, key, f"file recv {remote} {local}", timeout)
        partial = local.with_name(f".{local.name}.{secrets.token_hex(4)}.part")
        try:
            handle = partial.open("wb")
        except OSError as exc:
            raise op.error(f"cannot write {local}: {exc}") from None
        cwd = f"{local.parent}/"
        line = f"file recv remote -cwd {_quote(cwd)} {_quote(remote)} {_quote(local.name)}"
        try:
            with handle, op.connect() as channel:
                channel.send_line(line)
                size = wire.TransferConfig.decode(channel.expect(wire.Command.FILE_CHECK)).file_size
                channel.send_command(wire.Command.FILE_BEGIN, wire.FEATURE_FLAGS)
                received = 0
                while received < size:
                    data = wire.data_payload(channel.expect(wire.Command.FILE_DATA), received, size)
                    _write_local(op, handle, data)
                    received += len(data)
                channel.send_command(wire.Command.FILE_FINISH, b"\x01")
                channel.expect(wire.Command.FILE_FINISH)
                channel.send_command(wire.Command.CHANNEL_CLOSE, b"\x01")
                channel.read_all()
            _complete(op, partial, local, size)
        finally:
            partial.unlink(missing_ok=True)
        return size

    # -- apps -----------------------------------------------------------------------------------------
    def install(
        self, key: str, local_hap: Path, replace: bool = True, timeout: float = DEFAULT_TRANSFER_TIMEOUT
    ) -> str:
        """Install host file ``local_hap`` as `hdc install [-r] HAP` does; returns bm's text.

        The real CLI's sequence (docs/hdc-protocol.md §1.7): the server sends the command back as APP_INIT,
        the HAP goes up as APP_DATA under a random name, the device runs `bm install` and answers
        APP_FINISH with bm's text. TransportError with that text (or the server's `[Fail]`
        message) when the install fails.
        """
        local = Path(local_hap).absolute()
        op = Operation(self.address, self.timeout, key, f"install {local}", timeout)
        if local.suffix not in PACKAGE_SUFFIXES:
            raise op.error(f"{wire.FAIL}{NO_PACKAGE}")
        handle, size = _open_local(op, local)
        cwd = f"{local.parent}/"
        options = "-r" if replace else ""
        words = ["install", "remote", "-cwd", _quote(cwd), options, _quote(local.name)]
        config = wire.TransferConfig(
            file_size=size,
            options=options,
            optional_name=wire.upload_name(local.suffix),
            function_name="install",
            client_cwd=cwd,
        )
        with handle, op.connect() as channel:
            channel.send_line(" ".join(word for word in words if word))
            sent = _upload(channel, wire.APP_TRANSFER, config, handle)
            finish = channel.expect(wire.Command.APP_FINISH)
            channel.send_command(wire.Command.CHANNEL_CLOSE, b"\x01")
            channel.read_all()
        if len(finish) < 2:
            raise op.error(f"APP_FINISH of {len(finish)} bytes carries no mode and result")
        message = finish[2:].decode("utf-8", errors="replace").strip()
        if sent != size:
            raise op.error(f"sent {sent} of {size} bytes; the device answered {message!r}")
        if INSTALL_OK not in message:
            raise op.error(message)
        return message

    def uninstall(self, key: str, bundle: str, timeout: float = DEFAULT_COMMAND_TIMEOUT) -> str:
        """Remove ``bundle`` as `hdc uninstall BUNDLE` does; returns bm's text.

        TransportError with the server's whole answer when bm did not uninstall it.
        """
        op = Operation(self.address, self.timeout, key, f"uninstall {bundle}", timeout)
        with op.connect() as channel:
            channel.send_line(f"uninstall {_quote(bundle)}")
            text = channel.read_all().decode("utf-8", errors="replace")
        op.check_refusal(text.encode())
        match = _UNINSTALL_MESSAGE.search(text)
        if match is None or UNINSTALL_OK not in match.group(1):
            raise op.error(text)
        return match.group(1).strip()


def _open_local(op: Operation, local: Path) -> tuple[BinaryIO, int]:
    """``local`` opened for reading, and its size; the operation's error if it cannot be read."""
    try:
        handle = local.open("rb")
    except OSError as exc:
        raise op.error(f"cannot read the local file: {exc}") from None
    return handle, os.fstat(handle.fileno()).st_size


def _upload(
    channel: Channel, codes: wire.TransferCodes, config: wire.TransferConfig, handle: BinaryIO
) -> int:
    """The client-master half of a transfer, after the command line; returns the bytes sent.

    INIT from the server, WAKEUP and CHECK (``config``), BEGIN, then the data until the end of
    ``handle`` or until the server speaks (it gave up). The caller reads the transfer's end.
    """
    channel.expect(codes.init)
    channel.send_command(wire.Command.WAKEUP_SLAVETASK)
    channel.send_command(codes.check, config.encode())
    channel.expect(codes.begin)
    sent = 0
    while (chunk := handle.read(CHUNK)) and not channel.has_input():
        try:
            channel.send(wire.data_frame(sent, chunk, codes.data))
        except (BrokenPipeError, ConnectionResetError):
            channel.expect(codes.finish)  # raises with the reason the server sent before closing
            raise
        sent += len(chunk)
    return sent


def _write_local(op: Operation, handle: BinaryIO, data: bytes) -> None:
    try:
        handle.write(data)
    except OSError as exc:
        raise op.error(f"cannot write the local file: {exc}") from None


def _complete(op: Operation, partial: Path, local: Path, size: int) -> None:
    """Give the received file its final name once it has all ``size`` bytes."""
    try:
        written = partial.stat().st_size
        if written == size:
            partial.replace(local)
    except OSError as exc:
        raise op.error(f"cannot write {local}: {exc}") from None
    if written != size:
        raise op.error(f"wrote {written} of {size} bytes")
