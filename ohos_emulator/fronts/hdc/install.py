"""`install` / `uninstall`: packages to the device and `bm` on them, as hdcd does (docs/hdc-protocol.md §1.7).

Remote form (the real CLI: `install remote -cwd "DIR/" [-r] PKG`): the server sends the command
back as APP_INIT (without `remote `, with its trailing NUL); the client answers WAKEUP and
APP_CHECK (TransferConfig: size, options, a random file name, function `install`), gets APP_BEGIN
and uploads APP_DATA frames (the upload `file send` uses). The package lands in /data/local/tmp
under that name through the /data quota (a full /data stops the transfer with `Transfer App at:…`
and leaves no file); the daemon runs `bm install OPTIONS -p FILE`, removes the file and answers
APP_FINISH [mode 1][bm succeeded][bm's text, newlines as spaces]; the client ends with
CHANNEL_CLOSE and prints `[Info]App install path:P msg:TEXT` and `AppMod finish` itself.

Legacy form (`install [-r] PKG…` without `remote`, as hdc-rs-py sends it): the server reads the host
files itself and prints those lines. `uninstall [OPTIONS] BUNDLE` runs `bm uninstall -n BUNDLE`
and prints `[Info]App uninstall path: msg:TEXT` and `AppMod finish`. A command line holding a shell
metacharacter is refused as the daemon refuses it. Package directories (which the real client packs
into a tar) are not supported.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
from functools import partial

from ohos_emulator.device import EmulatedDevice
from ohos_emulator.fronts.hdc import files
from ohos_emulator.fronts.hdc.channel import Channel
from ohos_emulator.fronts.hdc.files import TransferFailed
from ohos_emulator.fronts.hdc.host_files import HostFolders
from ohos_emulator.fs import DeviceFsError
from ohos_protocol import hdc_wire as wire

MODE_INSTALL = 1
UPLOAD_DIR = "/data/local/tmp"
PACKAGE_SUFFIXES = (".hap", ".hsp")
NO_PACKAGE = "[E006001] Not any installation package was found"
BAD_INPUT = "Incorrect package name or option"
FINISHED = "AppMod finish"
STOPPED = "Transfer App"
_INJECTION = frozenset("|;&$<>`\\!\n")
_REMOTE_PREFIX = re.compile(r"^remote\s+")


def _words(arguments: str) -> list[str]:
    try:
        return shlex.split(arguments)
    except ValueError as exc:
        raise TransferFailed(f"Incorrect command: {exc}") from None


def _bm(device: EmulatedDevice, words: list[str]) -> tuple[bool, str]:
    """Run a bm command line on the device: (it succeeded, its output with newlines as spaces)."""
    line = " ".join(words)
    if _INJECTION & set(line):
        return False, BAD_INPUT
    output: list[bytes] = []
    status = device.run_command(line, output.append)
    return status == 0, b"".join(output).decode("utf-8", errors="replace").replace("\n", " ")


def _bm_install(device: EmulatedDevice, options: list[str], package: str) -> tuple[bool, str]:
    """`bm install OPTIONS -p PACKAGE` (no `-p` added when the options hold one), then remove it."""
    try:
        path_given = "-p" in options or "-s" in options
        return _bm(device, ["bm", "install", *options, *([] if path_given else ["-p"]), package])
    finally:
        with contextlib.suppress(DeviceFsError):
            device.fs.remove(package)


def install(channel: Channel, device: EmulatedDevice, arguments: str, host: HostFolders) -> None:
    """Run one `install …` command (the text after `install `); the legacy form reads only packages
    inside ``host``'s folders."""
    words = _words(arguments)
    if words[:1] == ["remote"]:
        _remote_install(channel, device, _REMOTE_PREFIX.sub("", arguments, count=1))
    else:
        _legacy_install(channel, device, words, host)


def _upload_path(config: wire.TransferConfig) -> str:
    name = config.optional_name
    if not name or "/" in name or name in (".", ".."):
        raise TransferFailed(BAD_INPUT)
    return f"{UPLOAD_DIR}/{name}"


def _remote_install(channel: Channel, device: EmulatedDevice, init: str) -> None:
    config, package = files.receive_upload(
        channel, device.fs, wire.APP_TRANSFER, init.encode("utf-8") + b"\0", _upload_path, STOPPED
    )
    succeeded, text = _bm_install(device, config.options.split(), package)
    channel.send_command(wire.Command.APP_FINISH, bytes([MODE_INSTALL, succeeded]) + text.encode("utf-8"))
    frame = channel.read()
    if frame is not None and wire.split_command(frame)[0] != wire.Command.CHANNEL_CLOSE:
        raise wire.ProtocolError("expected CHANNEL_CLOSE after APP_FINISH")


def _legacy_install(channel: Channel, device: EmulatedDevice, words: list[str], host: HostFolders) -> None:
    options: list[str] = []
    packages: list[str] = []
    cwd = ""
    rest = iter(words)
    for word in rest:
        if word == "-cwd":
            cwd = next(rest, "")
        elif word.startswith("-"):
            options.append(word)
        elif word.endswith(PACKAGE_SUFFIXES):
            packages.append(word)
    if not packages:
        raise TransferFailed(NO_PACKAGE)
    for package in sorted(set(packages), reverse=True):  # the real server's queue, taken from its end
        local = host.named(cwd, package)
        try:
            handle = host.path(cwd, package).open("rb")
        except OSError as exc:
            raise TransferFailed(f"Error opening file: {files.uv_error(exc)}, path:{local}") from None
        target = f"{UPLOAD_DIR}/{wire.upload_name(local.suffix)}"
        with handle:
            size = os.fstat(handle.fileno()).st_size
            files.store(device.fs, target, iter(partial(handle.read, files.CHUNK), b""), size, STOPPED)
        _, text = _bm_install(device, options, target)
        channel.send_text(f"App install path:{local} msg:{text}", wire.INFO)
    channel.send_text(FINISHED)


def uninstall(channel: Channel, device: EmulatedDevice, arguments: str) -> None:
    """Run one `uninstall [OPTIONS] BUNDLE` command (the text after `uninstall `)."""
    words = _words(arguments)
    options = [word for word in words if word.startswith("-")]
    bundle = " ".join(word for word in words if not word.startswith("-"))
    _, text = _bm(device, ["bm", "uninstall", *options, *([] if "-n" in options else ["-n"]), bundle])
    channel.send_text(f"App uninstall path: msg:{text}", wire.INFO)
    channel.send_text(FINISHED)
