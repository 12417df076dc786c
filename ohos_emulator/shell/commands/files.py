"""File commands with toybox's behaviour and messages: ls, cat, rm, mkdir, mv, cp, df, dd, ..."""

from __future__ import annotations

import base64 as b64
import binascii
import hashlib
import os
import re
import time
from collections.abc import Iterator

from ohos_emulator.fs import SYSTEM_CAPACITY, SYSTEM_USED, DeviceFsError
from ohos_emulator.shell.io import CommandContext

DD_CHUNK = 1024 * 1024
"""The most dd, the checksums and wc hold of a file at once."""
_SIZE_SUFFIX = {"": 1, "c": 1, "w": 2, "b": 512, "k": 1024, "K": 1024, "M": 1024**2, "G": 1024**3}


def _flags(args: list[str], allowed: str) -> tuple[set[str], list[str]]:
    flags: set[str] = set()
    rest: list[str] = []
    for arg in args:
        if arg.startswith("-") and len(arg) > 1 and all(c in allowed for c in arg[1:]):
            flags.update(arg[1:])
        else:
            rest.append(arg)
    return flags, rest


def _long_entry(ctx: CommandContext, path: str, name: str) -> str:
    info = ctx.fs.stat(path)
    kind = "d" if ctx.fs.is_dir(path) else "-"
    stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(info.st_mtime))
    mode = "rwxr-xr-x" if kind == "d" else "rw-r--r--"
    return f"{kind}{mode} 1 root root {info.st_size:>8} {stamp} {name}\n"


def _by_mtime(ctx: CommandContext, parent: str, names: list[str]) -> list[str]:
    """Newest first, as `ls -t`."""
    return sorted(names, key=lambda n: -ctx.fs.stat(ctx.fs.normalize(n, parent)).st_mtime)


def ls(ctx: CommandContext) -> int:
    """`ls [-la1dt] PATH...`: -d lists a directory itself, -t sorts newest first."""
    flags, targets = _flags(ctx.args[1:], "la1dt")
    status = 0
    for target in targets or ["."]:
        path = ctx.path(target)
        try:
            names = ctx.fs.listdir(path) if ctx.fs.is_dir(path) and "d" not in flags else None
        except DeviceFsError:
            names = None
        if names is None:
            if not ctx.fs.exists(path):
                ctx.error(f"{target}: No such file or directory")
                status = 1
                continue
            ctx.print(_long_entry(ctx, path, target) if "l" in flags else target + "\n")
            continue
        if "a" not in flags:
            names = [n for n in names if not n.startswith(".")]
        if "t" in flags:
            names = _by_mtime(ctx, path, names)
        for name in names:
            child = ctx.fs.normalize(name, path)
            ctx.print(_long_entry(ctx, child, name) if "l" in flags else name + "\n")
    return status


def cat(ctx: CommandContext) -> int:
    if len(ctx.args) == 1:
        while chunk := ctx.stdin.read(65536):
            ctx.out(chunk)
        return 0
    status = 0
    for target in ctx.args[1:]:
        try:
            for chunk in ctx.fs.iter_chunks(ctx.path(target)):
                ctx.out(chunk)
        except DeviceFsError as exc:
            ctx.error(f"{target}: {exc.strerror}")
            status = 1
    return status


def rm(ctx: CommandContext) -> int:
    flags, targets = _flags(ctx.args[1:], "rfR")
    status = 0
    for target in targets:
        try:
            ctx.fs.remove(ctx.path(target), recursive=bool(flags & {"r", "R"}))
        except DeviceFsError as exc:
            if "f" in flags and not ctx.fs.exists(ctx.path(target)):
                continue
            ctx.error(f"{target}: {exc.strerror}")
            status = 1
    return status


def mkdir(ctx: CommandContext) -> int:
    flags, targets = _flags(ctx.args[1:], "p")
    status = 0
    for target in targets:
        try:
            ctx.fs.mkdir(ctx.path(target), parents="p" in flags)
        except DeviceFsError as exc:
            ctx.error(f"{target}: {exc.strerror}")
            status = 1
    return status


def mv(ctx: CommandContext) -> int:
    _, paths = _flags(ctx.args[1:], "f")
    if len(paths) != 2:
        ctx.error("needs 2 arguments")
        return 1
    try:
        ctx.fs.rename(ctx.path(paths[0]), ctx.path(paths[1]))
    except DeviceFsError as exc:
        ctx.error(f"{exc.device_path}: {exc.strerror}")
        return 1
    return 0


def cp(ctx: CommandContext) -> int:
    _, paths = _flags(ctx.args[1:], "f")
    if len(paths) != 2:
        ctx.error("needs 2 arguments")
        return 1
    source, target = ctx.path(paths[0]), ctx.path(paths[1])
    if ctx.fs.is_dir(target):
        target = ctx.fs.normalize(source.rsplit("/", 1)[-1], target)
    try:
        with ctx.fs.open_writer(target) as writer:
            for chunk in ctx.fs.iter_chunks(source):
                writer.write(chunk)
    except DeviceFsError as exc:
        ctx.error(f"{exc.device_path}: {exc.strerror}")
        return 1
    return 0


def touch(ctx: CommandContext) -> int:
    for target in ctx.args[1:]:
        path = ctx.path(target)
        if not ctx.fs.exists(path):
            ctx.fs.write_bytes(path, b"")
    return 0


def _human(size: int) -> str:
    for unit in ("", "K", "M", "G", "T"):
        if size < 1024 or unit == "T":
            return f"{size:.1f}{unit}" if unit and size < 10 else f"{int(size)}{unit}"
        size /= 1024
    return str(size)


def df(ctx: CommandContext) -> int:
    flags, targets = _flags(ctx.args[1:], "hk")
    usage = ctx.fs.usage()
    rows = {
        "/": ("/dev/root", SYSTEM_CAPACITY, SYSTEM_USED),
        "/data": ("/dev/block/by-name/userdata", usage.capacity, usage.used),
    }
    wanted = ["/", "/data"]
    if targets:
        wanted = ["/data" if ctx.path(t).startswith(("/data", "/storage")) else "/" for t in targets]
    if "h" in flags:
        ctx.print("Filesystem                   Size  Used Avail Use% Mounted on\n")
    else:
        ctx.print("Filesystem                  1K-blocks    Used Available Use% Mounted on\n")
    for mount in wanted:
        device, capacity, used = rows[mount]
        available = max(0, capacity - used)
        percent = f"{(used * 100 + capacity - 1) // capacity}%" if capacity else "0%"
        if "h" in flags:
            ctx.print(
                f"{device:<28} {_human(capacity):>4} {_human(used):>5} {_human(available):>5} "
                f"{percent:>4} {mount}\n"
            )
        else:
            ctx.print(
                f"{device:<28}{capacity // 1024:>10} {used // 1024:>7} {available // 1024:>9} "
                f"{percent:>4} {mount}\n"
            )
    return 0


def _dd_size(text: str) -> int:
    match = re.fullmatch(r"(\d+)([cwbkKMG]?)", text)
    if not match:
        raise ValueError(text)
    return int(match.group(1)) * _SIZE_SUFFIX[match.group(2)]


def _dd_source(ctx: CommandContext, source: str | None, limit: int | None) -> Iterator[bytes]:
    """What dd copies, in chunks of at most DD_CHUNK bytes, at most ``limit`` bytes in all."""
    remaining = limit
    if source == "/dev/urandom":
        assert remaining is not None
        while remaining > 0:
            size = min(DD_CHUNK, remaining)
            remaining -= size
            yield os.urandom(size)
        return
    chunks = (
        ctx.fs.iter_chunks(ctx.path(source), DD_CHUNK)
        if source
        else iter(lambda: ctx.stdin.read(DD_CHUNK), b"")
    )
    for chunk in chunks:
        if remaining is not None:
            chunk = chunk[:remaining]
            remaining -= len(chunk)
        if chunk:
            yield chunk
        if remaining == 0:
            return


def dd(ctx: CommandContext) -> int:
    """dd: copies in chunks of at most DD_CHUNK bytes (never a whole ``bs`` at once), through the
    /data quota as it goes; zeros from /dev/zero make a sparse file."""
    options = dict(arg.split("=", 1) for arg in ctx.args[1:] if "=" in arg)
    try:
        block = _dd_size(options.get("bs", "512"))
        count = _dd_size(options["count"]) if "count" in options else None
    except ValueError as exc:
        ctx.error(f"invalid number '{exc}'")
        return 1
    source, target = options.get("if"), options.get("of")
    if target is None:
        ctx.error("of= is required on this device")
        return 1
    if source in ("/dev/zero", "/dev/urandom") and count is None:
        ctx.error(f"count= is required when reading {source}")
        return 1
    limit = None if count is None else block * count
    path = ctx.path(target)
    began = time.monotonic()
    try:
        if source == "/dev/zero":  # zeros cost no host disk: the file is sparse
            assert limit is not None
            ctx.fs.write_bytes(path, b"")
            ctx.fs.extend_sparse(path, limit)
            wanted = limit
        else:
            with ctx.fs.open_writer(path) as writer:
                for chunk in _dd_source(ctx, source, limit):
                    if ctx.cancel.is_set():
                        return 1
                    writer.write(chunk)
                wanted = writer.written
    except DeviceFsError as exc:
        ctx.error(f"{exc.device_path}: {exc.strerror}")
        return 1
    elapsed = max(time.monotonic() - began, 1e-6)
    blocks = (wanted + block - 1) // block
    ctx.err(
        f"{blocks}+0 records in\n{blocks}+0 records out\n{wanted} bytes ({_human(wanted)}) copied, "
        f"{elapsed:.6f} s, {_human(int(wanted / elapsed))}/s\n".encode()
    )
    return 0


def _each_chunked(ctx: CommandContext, targets: list[str]) -> Iterator[tuple[str, Iterator[bytes]]]:
    """(name, chunks) of each input: the files named, or stdin; nothing is read whole."""
    if not targets:
        yield "-", iter(lambda: ctx.stdin.read(DD_CHUNK), b"")
        return
    for target in targets:
        yield target, ctx.fs.iter_chunks(ctx.path(target), DD_CHUNK)


def _each_input(ctx: CommandContext, targets: list[str]):
    if not targets:
        yield "-", ctx.stdin.read()
        return
    for target in targets:
        yield target, ctx.fs.read_bytes(ctx.path(target))


def _digest(ctx: CommandContext, algorithm: str) -> int:
    status = 0
    try:
        for name, chunks in _each_chunked(ctx, ctx.args[1:]):
            digest = hashlib.new(algorithm)
            for chunk in chunks:
                digest.update(chunk)
            ctx.print(f"{digest.hexdigest()}  {name}\n")
    except DeviceFsError as exc:
        ctx.error(f"{exc.device_path}: {exc.strerror}")
        status = 1
    return status


def sha256sum(ctx: CommandContext) -> int:
    return _digest(ctx, "sha256")


def md5sum(ctx: CommandContext) -> int:
    return _digest(ctx, "md5")


def wc(ctx: CommandContext) -> int:
    flags, targets = _flags(ctx.args[1:], "cl")
    try:
        for name, chunks in _each_chunked(ctx, targets):
            value = sum(chunk.count(b"\n") if "l" in flags else len(chunk) for chunk in chunks)
            ctx.print(f"{value}\n" if name == "-" else f"{value} {name}\n")
    except DeviceFsError as exc:
        ctx.error(f"{exc.device_path}: {exc.strerror}")
        return 1
    return 0


def base64(ctx: CommandContext) -> int:
    flags, targets = _flags(ctx.args[1:], "d")
    data = b"".join(chunk for _, chunk in _each_input(ctx, targets))
    if "d" in flags:
        try:
            ctx.out(b64.b64decode(b"".join(data.split()), validate=True))
        except (binascii.Error, ValueError):
            ctx.error("invalid input")
            return 1
        return 0
    encoded = b64.b64encode(data)
    ctx.out(b"\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76)) + b"\n")
    return 0


def head(ctx: CommandContext) -> int:
    count = 10
    args = ctx.args[1:]
    if len(args) >= 2 and args[0] == "-n":
        count = int(args[1])
        args = args[2:]
    for _, data in _each_input(ctx, args):
        ctx.out(b"".join(data.splitlines(keepends=True)[:count]))
    return 0


def grep(ctx: CommandContext) -> int:
    flags, rest = _flags(ctx.args[1:], "vicF")
    if not rest:
        ctx.error("no pattern")
        return 2
    pattern = re.escape(rest[0]) if "F" in flags else rest[0]
    regex = re.compile(pattern.encode(), re.IGNORECASE if "i" in flags else 0)
    matched = 0
    for _, data in _each_input(ctx, rest[1:]):
        for line in data.splitlines(keepends=True):
            if bool(regex.search(line)) != ("v" in flags):
                matched += 1
                if "c" not in flags:
                    ctx.out(line if line.endswith(b"\n") else line + b"\n")
    if "c" in flags:
        ctx.print(f"{matched}\n")
    return 0 if matched else 1


COMMANDS = {
    "ls": ls,
    "cat": cat,
    "rm": rm,
    "mkdir": mkdir,
    "mv": mv,
    "cp": cp,
    "touch": touch,
    "df": df,
    "dd": dd,
    "sha256sum": sha256sum,
    "md5sum": md5sum,
    "wc": wc,
    "base64": base64,
    "head": head,
    "grep": grep,
}
