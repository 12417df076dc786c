"""`file send` / `file recv`: the client-driven `remote -cwd` form (docs/hdc-protocol.md §1.7), legacy form.

Remote form, send (the client is master): FILE_INIT to the client, WAKEUP + FILE_CHECK from it,
FILE_BEGIN, FILE_DATA frames (:func:`receive_upload`, which `install` shares), FILE_FINISH(1) /
FILE_FINISH(0), then the summary line. Recv (the
client is slave): FILE_CHECK to the client, FILE_BEGIN from it, FILE_DATA frames, FILE_FINISH(1) from
it, FILE_FINISH(0), CHANNEL_CLOSE. The legacy form (`file send L R` without `remote`) moves the file
between a host path and the device in the server itself. Files reach the device through its
filesystem (and its /data quota): each is written under a temporary name and renamed when complete.
"""

from __future__ import annotations

import contextlib
import errno
import os
import posixpath
import re
import secrets
import shlex
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ohos_emulator.device import EmulatedDevice
from ohos_emulator.fronts.hdc.channel import Channel
from ohos_emulator.fronts.hdc.host_files import HostFolders
from ohos_emulator.fs import DeviceFilesystem, DeviceFsError
from ohos_protocol import hdc_wire as wire

CHUNK = 256 * 1024
FLAGS = {"-a", "-sync", "-z", "-m"}
_REMOTE_PREFIX = re.compile(r"^send\s+remote\s+")


class TransferFailed(Exception):
    """The transfer cannot go on; the message is the `[Fail]` text for the client."""


@dataclass(frozen=True)
class FileCommand:
    verb: str  # "send" | "recv"
    remote_form: bool
    cwd: str
    source: str
    target: str


def parse(arguments: str) -> FileCommand:
    """`send|recv [remote] [-cwd DIR] [flags] SOURCE TARGET` (the text after `file `)."""
    try:
        words = shlex.split(arguments)
    except ValueError as exc:
        raise TransferFailed(f"Incorrect file command: {exc}") from None
    if not words:
        raise TransferFailed("Incorrect file command, expected SOURCE and TARGET: file ")
    verb, rest = words[0], words[1:]
    remote_form = bool(rest) and rest[0] == "remote"
    rest = rest[1:] if remote_form else rest
    cwd = ""
    positional: list[str] = []
    while rest:
        word = rest.pop(0)
        if word == "-cwd" and rest:
            cwd = rest.pop(0)
        elif word in FLAGS:
            continue
        elif word.startswith("-") and len(word) > 1:
            raise TransferFailed(f"Unsupported file option {word}")
        else:
            positional.append(word)
    if len(positional) != 2:
        raise TransferFailed(f"Incorrect file command, expected SOURCE and TARGET: file {arguments}")
    return FileCommand(verb, remote_form, cwd, positional[0], positional[1])


def transfer(channel: Channel, device: EmulatedDevice, arguments: str, host: HostFolders) -> None:
    """Run one `file …` command; TransferFailed carries the message to end the channel with.

    The legacy forms reach only host paths inside ``host``'s folders.
    """
    command = parse(arguments)
    if command.remote_form and command.verb == "send":
        init = _REMOTE_PREFIX.sub("", arguments, count=1)
        _remote_send(channel, device.fs, init)
    elif command.remote_form:
        _remote_recv(channel, device.fs, command)
    elif command.verb == "send":
        _legacy_send(channel, device.fs, command, host)
    else:
        _legacy_recv(channel, device.fs, command, host)


# -- device side ------------------------------------------------------------------------------------


def uv_error(exc: OSError) -> str:
    """An errno as libuv words it (`no such file or directory`), as hdc's messages do."""
    text = os.strerror(exc.errno) if exc.errno else str(exc)
    if exc.errno == errno.EISDIR:
        return "illegal operation on a directory"
    return text[:1].lower() + text[1:]


def _target_path(fs: DeviceFilesystem, path: str, name: str) -> str:
    if not path:
        raise TransferFailed("[E005102] Remote path:  is invalid, no such file/directory")
    target = fs.normalize(path)
    if path.endswith("/") or fs.is_dir(target):
        target = posixpath.join(target, name)
    if not fs.is_dir(posixpath.dirname(target)):
        raise TransferFailed(f"Error opening file: no such file or directory, path:{path}")
    return target


def store(
    fs: DeviceFilesystem, target: str, chunks: Iterable[bytes], size: int, stopped: str = "Transfer Stop"
) -> int:
    """Write ``chunks`` to ``target`` through a temporary name; the file appears only when complete.

    A full /data stops it with `<stopped> at:N/SIZE(Bytes), Reason: …` (the daemon's words: file
    transfers stop, app transfers say `Transfer App`) and leaves no file behind.
    """
    directory, name = posixpath.split(target)
    temporary = posixpath.join(directory, f".{name}.hdc-{secrets.token_hex(4)}.part")
    written = 0
    try:
        with fs.open_writer(temporary) as writer:
            for chunk in chunks:
                writer.write(chunk)
                written += len(chunk)
    except DeviceFsError as exc:
        _discard(fs, temporary)
        raise TransferFailed(f"{stopped} at:{written}/{size}(Bytes), Reason: {uv_error(exc)}") from None
    except BaseException:
        _discard(fs, temporary)
        raise
    fs.rename(temporary, target)
    return written


def _discard(fs: DeviceFilesystem, path: str) -> None:
    with contextlib.suppress(DeviceFsError):
        fs.remove(path)


def _open_source(fs: DeviceFilesystem, path: str) -> tuple[str, int]:
    source = fs.normalize(path)
    try:
        if fs.is_dir(source):
            raise DeviceFsError(errno.EISDIR, source)
        return source, fs.stat(source).st_size
    except DeviceFsError as exc:
        raise TransferFailed(f"Error opening file: {uv_error(exc)}, path:{path}") from None


def summary(size: int, began: float) -> str:
    millis = max(1, round((time.monotonic() - began) * 1000))
    return f"FileTransfer finish, Size:{size}, File count = 1, time:{millis}ms rate:{size / millis:.2f}kB/s"


# -- remote form ------------------------------------------------------------------------------------


def expect(channel: Channel, *codes: wire.Command) -> tuple[int, bytes]:
    """The next frame, which must carry one of ``codes``: (code, payload)."""
    frame = channel.read()
    if frame is None:
        raise wire.TruncatedFrame(f"client closed the transfer while the server waited for {codes[0].name}")
    code, rest = wire.split_command(frame)
    if code not in codes:
        names = " or ".join(c.name for c in codes)
        raise wire.ProtocolError(f"expected {names} during a transfer, got command {code}")
    return code, rest


def receive_upload(
    channel: Channel,
    fs: DeviceFilesystem,
    codes: wire.TransferCodes,
    init: bytes,
    place: Callable[[wire.TransferConfig], str],
    stopped: str = "Transfer Stop",
) -> tuple[wire.TransferConfig, str]:
    """The device half of a client-master transfer, up to the file being stored.

    INIT (``init``) to the client, WAKEUP and CHECK from it, BEGIN, then the data frames, stored
    through the /data quota at the device path ``place`` gives for the announced config. Returns
    the config and that path.
    """
    channel.send_command(codes.init, init)
    code, rest = expect(channel, wire.Command.WAKEUP_SLAVETASK, codes.check)
    if code == wire.Command.WAKEUP_SLAVETASK:
        _, rest = expect(channel, codes.check)
    config = wire.TransferConfig.decode(rest)
    if config.compress_type:
        raise TransferFailed("compressed transfers (-z) are not supported by the emulated device")
    target = place(config)
    channel.send_command(codes.begin, wire.FEATURE_FLAGS)
    store(fs, target, _data_frames(channel, codes.data, config.file_size), config.file_size, stopped)
    return config, target


def _remote_send(channel: Channel, fs: DeviceFilesystem, init: str) -> None:
    began = time.monotonic()
    config, _ = receive_upload(
        channel,
        fs,
        wire.FILE_TRANSFER,
        init.encode("utf-8"),
        lambda config: _target_path(fs, config.path, config.optional_name),
    )
    channel.send_command(wire.Command.FILE_FINISH, b"\x01")
    expect(channel, wire.Command.FILE_FINISH)
    channel.send_text(summary(config.file_size, began))


def _data_frames(channel: Channel, code: wire.Command, size: int) -> Iterator[bytes]:
    received = 0
    while received < size:
        _, rest = expect(channel, code)
        data = wire.data_payload(rest, received, size, code)
        received += len(data)
        yield data


def _remote_recv(channel: Channel, fs: DeviceFilesystem, command: FileCommand) -> None:
    source, size = _open_source(fs, command.source)
    config = wire.TransferConfig(
        file_size=size,
        path=command.target,
        optional_name=posixpath.basename(source),
        client_cwd=command.cwd,
    )
    channel.send_command(wire.Command.FILE_CHECK, config.encode())
    expect(channel, wire.Command.FILE_BEGIN)
    offset = 0
    for chunk in fs.iter_chunks(source, CHUNK):
        channel.send(wire.data_frame(offset, chunk))
        offset += len(chunk)
    expect(channel, wire.Command.FILE_FINISH)
    channel.send_command(wire.Command.FILE_FINISH, b"\x00")
    frame = channel.read()
    if frame is not None and wire.split_command(frame)[0] != wire.Command.CHANNEL_CLOSE:
        raise wire.ProtocolError("expected CHANNEL_CLOSE after a finished file recv")


# -- legacy form: the server moves the file between a host path and the device ----------------------


def _legacy_send(channel: Channel, fs: DeviceFilesystem, command: FileCommand, host: HostFolders) -> None:
    try:
        local = host.path(command.cwd, command.source)
        handle = local.open("rb")
    except OSError as exc:
        raise TransferFailed(f"Error opening file: {uv_error(exc)}, path:{command.source}") from None
    began = time.monotonic()
    with handle:
        size = os.fstat(handle.fileno()).st_size
        target = _target_path(fs, command.target, local.name)
        store(fs, target, iter(lambda: handle.read(CHUNK), b""), size)
    channel.send_text(summary(size, began))


def _legacy_recv(channel: Channel, fs: DeviceFilesystem, command: FileCommand, host: HostFolders) -> None:
    source, size = _open_source(fs, command.source)
    try:
        local = host.path(command.cwd, command.target)
        if local.is_dir():
            local = host.path(str(local), posixpath.basename(source))
    except OSError as exc:
        raise TransferFailed(f"Error opening file: {uv_error(exc)}, path:{command.target}") from None
    temporary = local.with_name(f".{local.name}.hdc-{secrets.token_hex(4)}.part")
    began = time.monotonic()
    try:
        with temporary.open("wb") as handle:
            for chunk in fs.iter_chunks(source, CHUNK):
                handle.write(chunk)
        temporary.replace(local)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise TransferFailed(f"Error opening file: {uv_error(exc)}, path:{command.target}") from None
    channel.send_text(summary(size, began))
