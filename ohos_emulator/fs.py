"""The emulated device's file system: a host directory seen as the device's `/`, with a `/data` quota.

Everything the device stores (pushed files, photos, downloads, `dd` fill files) lives under the
root directory and counts against the `/data` partition's capacity, so `df` and "No space left on
device" behave as on a device. Every path is confined to the root: `..` cannot climb out of it.
"""

from __future__ import annotations

import errno
import os
import posixpath
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SYSTEM_CAPACITY = 2 * 1024**3
SYSTEM_USED = 1_610_612_736
BASE_LAYOUT = (
    "/data/local/tmp",
    "/data/log/hilog",
    "/storage/media/100/local/files/Photo",
    "/system/bin",
    "/etc",
)


MAX_SYMLINKS = 40
"""Symlinks one path may pass through (Linux's limit) before ELOOP."""


class DeviceFsError(OSError):
    """An OSError that names the device path (not the host path) in its message."""

    def __init__(self, code: int, device_path: str) -> None:
        super().__init__(code, os.strerror(code), device_path)
        self.device_path = device_path

    def __str__(self) -> str:
        return f"{self.device_path}: {self.strerror}"


@dataclass(frozen=True)
class FsUsage:
    capacity: int
    used: int

    @property
    def available(self) -> int:
        return max(0, self.capacity - self.used)


class DeviceFilesystem:
    """Device paths mapped onto a host directory, with the `/data` partition's accounting."""

    def __init__(self, root: Path, data_capacity: int) -> None:
        self.root = root
        self.data_capacity = data_capacity
        self._lock = threading.Lock()
        for directory in BASE_LAYOUT:
            self.host_path(directory).mkdir(parents=True, exist_ok=True)
        self._used = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())

    # -- paths -------------------------------------------------------------------------------------
    @staticmethod
    def normalize(device_path: str, cwd: str = "/") -> str:
        """An absolute, normalised device path (`..` never climbs above `/`)."""
        joined = posixpath.join(cwd, device_path) if device_path else cwd
        normal = posixpath.normpath("/" + joined.lstrip("/"))
        return "/" + normal.lstrip("/")

    def host_path(self, device_path: str, cwd: str = "/") -> Path:
        """Where a device path lives on the host: never outside the root, also through symlinks."""
        relative = self._inside(self.normalize(device_path, cwd))
        return self.root / relative if relative else self.root

    def _inside(self, device_path: str) -> str:
        """``device_path`` (relative to the root) with the rootfs's symlinks followed as a chroot does:
        an absolute target starts again at the device's `/`, and `..` never climbs above it."""
        pending = [part for part in device_path.split("/") if part]
        resolved: list[str] = []
        hops = 0
        while pending:
            part = pending.pop(0)
            if part in (".", ".."):
                if part == ".." and resolved:
                    resolved.pop()
                continue
            candidate = self.root.joinpath(*resolved, part)
            if candidate.is_symlink():
                hops += 1
                if hops > MAX_SYMLINKS:
                    raise DeviceFsError(errno.ELOOP, device_path)
                target = os.readlink(candidate)
                if target.startswith("/"):
                    resolved = []
                pending = [piece for piece in target.split("/") if piece] + pending
                continue
            resolved.append(part)
        return "/".join(resolved)

    # -- accounting --------------------------------------------------------------------------------
    def usage(self) -> FsUsage:
        with self._lock:
            return FsUsage(self.data_capacity, self._used)

    def set_capacity(self, capacity: int) -> None:
        with self._lock:
            self.data_capacity = capacity

    def _grow(self, device_path: str, wanted: int) -> int:
        """Reserve up to ``wanted`` bytes; returns what fits (may be less)."""
        with self._lock:
            granted = max(0, min(wanted, self.data_capacity - self._used))
            self._used += granted
            return granted

    def _shrink(self, amount: int) -> None:
        with self._lock:
            self._used = max(0, self._used - amount)

    # -- queries -----------------------------------------------------------------------------------
    def exists(self, device_path: str) -> bool:
        return self.host_path(device_path).exists()

    def is_dir(self, device_path: str) -> bool:
        return self.host_path(device_path).is_dir()

    def stat(self, device_path: str) -> os.stat_result:
        try:
            return self.host_path(device_path).stat()
        except FileNotFoundError:
            raise DeviceFsError(errno.ENOENT, device_path) from None

    def listdir(self, device_path: str) -> list[str]:
        path = self.host_path(device_path)
        if not path.exists():
            raise DeviceFsError(errno.ENOENT, device_path)
        if not path.is_dir():
            raise DeviceFsError(errno.ENOTDIR, device_path)
        return sorted(entry.name for entry in path.iterdir())

    def read_bytes(self, device_path: str) -> bytes:
        path = self.host_path(device_path)
        if path.is_dir():
            raise DeviceFsError(errno.EISDIR, device_path)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise DeviceFsError(errno.ENOENT, device_path) from None

    def iter_chunks(self, device_path: str, chunk_size: int = 65536) -> Iterator[bytes]:
        path = self.host_path(device_path)
        if path.is_dir():
            raise DeviceFsError(errno.EISDIR, device_path)
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            raise DeviceFsError(errno.ENOENT, device_path) from None
        with handle:
            while chunk := handle.read(chunk_size):
                yield chunk

    # -- changes -----------------------------------------------------------------------------------
    def _parent_must_exist(self, device_path: str) -> Path:
        path = self.host_path(device_path)
        if not path.parent.is_dir():
            raise DeviceFsError(errno.ENOENT, device_path)
        if path.is_dir():
            raise DeviceFsError(errno.EISDIR, device_path)
        return path

    def open_writer(self, device_path: str, append: bool = False) -> QuotaWriter:
        """A writer that stops with ENOSPC (after writing what fits) when `/data` is full."""
        path = self._parent_must_exist(device_path)
        if not append and path.exists():
            self._shrink(path.stat().st_size)
        return QuotaWriter(self, device_path, path.open("ab" if append else "wb"))

    def write_bytes(self, device_path: str, data: bytes, append: bool = False) -> None:
        with self.open_writer(device_path, append) as writer:
            writer.write(data)

    def extend_sparse(self, device_path: str, size: int) -> int:
        """Grow a file to ``size`` bytes of zeros without writing them; stops at ENOSPC."""
        path = self._parent_must_exist(device_path)
        current = path.stat().st_size if path.exists() else 0
        granted = self._grow(device_path, max(0, size - current))
        with path.open("ab") as handle:
            handle.truncate(current + granted)
        if current + granted < size:
            raise DeviceFsError(errno.ENOSPC, device_path)
        return granted

    def mkdir(self, device_path: str, parents: bool = False) -> None:
        path = self.host_path(device_path)
        if path.exists():
            if parents and path.is_dir():
                return
            raise DeviceFsError(errno.EEXIST, device_path)
        if not parents and not path.parent.is_dir():
            raise DeviceFsError(errno.ENOENT, device_path)
        path.mkdir(parents=parents, exist_ok=parents)

    def remove(self, device_path: str, recursive: bool = False) -> None:
        path = self.host_path(device_path)
        if path == self.root:
            raise DeviceFsError(errno.EPERM, device_path)
        if not path.exists():
            raise DeviceFsError(errno.ENOENT, device_path)
        if path.is_dir():
            if not recursive:
                raise DeviceFsError(errno.EISDIR, device_path)
            freed = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
            shutil.rmtree(path)
        else:
            freed = path.stat().st_size
            path.unlink()
        self._shrink(freed)

    def set_attributes(
        self, device_path: str, *, mode: int | None = None, times: tuple[float, float] | None = None
    ) -> None:
        """Change a file's permission bits and/or its (atime, mtime), as chmod and touch -d do."""
        path = self.host_path(device_path)
        if not path.exists():
            raise DeviceFsError(errno.ENOENT, device_path)
        if mode is not None:
            path.chmod(mode & 0o7777)
        if times is not None:
            os.utime(path, times)

    def rename(self, source: str, target: str) -> None:
        src = self.host_path(source)
        if not src.exists():
            raise DeviceFsError(errno.ENOENT, source)
        dst = self.host_path(target)
        if dst.is_dir():
            dst = dst / src.name
        if not dst.parent.is_dir():
            raise DeviceFsError(errno.ENOENT, target)
        if dst.is_file():
            self._shrink(dst.stat().st_size)
        os.replace(src, dst)


class QuotaWriter:
    """Writes to one device file, charging every byte to `/data`."""

    def __init__(self, fs: DeviceFilesystem, device_path: str, handle) -> None:
        self._fs = fs
        self._device_path = device_path
        self._handle = handle
        self.written = 0

    def write(self, data: bytes) -> None:
        granted = self._fs._grow(self._device_path, len(data))
        self._handle.write(data[:granted])
        self.written += granted
        if granted < len(data):
            raise DeviceFsError(errno.ENOSPC, self._device_path)

    def flush(self) -> None:
        """Hand buffered bytes to the file now (a later change of its times then sticks)."""
        self._handle.flush()

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> QuotaWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
