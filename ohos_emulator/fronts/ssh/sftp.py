"""The `sftp` subsystem over the device file system (through the `/data` quota, device paths only).

Supported: open for reading, open for writing (sequential writes from the start, after truncation,
or at the end of an existing file / in append mode), stat/lstat/fstat, listdir, remove, rename
(fails if the target exists, as SFTP v3 says), posix-rename (replaces the target), mkdir, rmdir,
realpath. Errors carry the device's message ("/data/x: No space left on device") as the status
text, since SFTP v3 has no code for most of them. A write that hits the quota writes what fits and
fails; the client is expected to upload under a temporary name and rename (the harness does).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator

import paramiko
from paramiko.sftp import SFTP_OK, SFTP_OP_UNSUPPORTED

from ohos_emulator.fs import DeviceFilesystem, DeviceFsError, QuotaWriter

READ_CHUNK = 65536


class DeviceSftpServer(paramiko.SFTPServer):
    """paramiko's SFTP server, sending the device's error message with each failure status.

    paramiko sends every status through ``_send_status`` (unchanged since paramiko 1.x) but passes
    no text for the codes that handles and the interface return: the text comes from the session.
    """

    server: DeviceSftp

    def _send_status(self, request_number: int, code: int, desc: str | None = None) -> None:
        code, desc = self.server.status(code, desc)
        super()._send_status(request_number, code, desc)


class DeviceSftp(paramiko.SFTPServerInterface):
    """One SFTP session's view of the device file system (``/`` is its home)."""

    def __init__(self, server: paramiko.ServerInterface, *, fs: DeviceFilesystem) -> None:
        super().__init__(server)
        self.fs = fs
        self._error = ""

    # -- errors ---------------------------------------------------------------------------------------
    def fail(self, exc: DeviceFsError) -> int:
        """The SFTP status for ``exc``; its message goes with the status the server sends next."""
        self._error = str(exc)
        return paramiko.SFTPServer.convert_errno(exc.errno)

    def unsupported(self, message: str) -> int:
        self._error = message
        return SFTP_OP_UNSUPPORTED

    def status(self, code: int, desc: str | None) -> tuple[int, str | None]:
        """The status to send for ``code``, with the message of the failure that caused it."""
        message, self._error = self._error, ""
        if desc is None and code != SFTP_OK and message:
            return code, message
        return code, desc

    def _path(self, path: str) -> str:
        return self.fs.normalize(path)

    def attributes(self, path: str, name: str | None = None) -> paramiko.SFTPAttributes | int:
        """The attributes of a device path, or the SFTP status of why there are none."""
        try:
            return paramiko.SFTPAttributes.from_stat(self.fs.stat(path), name)
        except DeviceFsError as exc:
            return self.fail(exc)

    # -- files ----------------------------------------------------------------------------------------
    def open(self, path: str, flags: int, attr: paramiko.SFTPAttributes) -> paramiko.SFTPHandle | int:
        device_path = self._path(path)
        try:
            if flags & (os.O_WRONLY | os.O_RDWR):
                return self._open_for_writing(device_path, flags)
            return ReadHandle(self, device_path)
        except DeviceFsError as exc:
            return self.fail(exc)

    def _open_for_writing(self, path: str, flags: int) -> WriteHandle:
        exists = self.fs.exists(path)
        if exists and flags & os.O_CREAT and flags & os.O_EXCL:
            raise DeviceFsError(errno.EEXIST, path)
        if not exists and not flags & os.O_CREAT:
            raise DeviceFsError(errno.ENOENT, path)
        if flags & os.O_APPEND:
            return WriteHandle(self, path, self.fs.open_writer(path, append=True), None)
        if flags & os.O_TRUNC or not exists:
            return WriteHandle(self, path, self.fs.open_writer(path), 0)
        return WriteHandle(self, path, self.fs.open_writer(path, append=True), self.fs.stat(path).st_size)

    def stat(self, path: str) -> paramiko.SFTPAttributes | int:
        return self.attributes(self._path(path))

    def lstat(self, path: str) -> paramiko.SFTPAttributes | int:
        return self.attributes(self._path(path))

    def list_folder(self, path: str) -> list[paramiko.SFTPAttributes] | int:
        directory = self._path(path)
        try:
            names = self.fs.listdir(directory)
        except DeviceFsError as exc:
            return self.fail(exc)
        entries = [self.attributes(self.fs.normalize(name, directory), name) for name in names]
        self._error = ""  # an entry removed while listing is left out, not an error
        return [entry for entry in entries if isinstance(entry, paramiko.SFTPAttributes)]

    def remove(self, path: str) -> int:
        try:
            self.fs.remove(self._path(path))
        except DeviceFsError as exc:
            return self.fail(exc)
        return SFTP_OK

    def rename(self, oldpath: str, newpath: str) -> int:
        target = self._path(newpath)
        if self.fs.exists(target):
            return self.fail(DeviceFsError(errno.EEXIST, target))
        return self.posix_rename(oldpath, newpath)

    def posix_rename(self, oldpath: str, newpath: str) -> int:
        source, target = self._path(oldpath), self._path(newpath)
        try:
            if self.fs.is_dir(target):
                raise DeviceFsError(errno.EISDIR, target)  # fs.rename would move into the directory
            self.fs.rename(source, target)
        except DeviceFsError as exc:
            return self.fail(exc)
        return SFTP_OK

    def mkdir(self, path: str, attr: paramiko.SFTPAttributes) -> int:
        try:
            self.fs.mkdir(self._path(path))
        except DeviceFsError as exc:
            return self.fail(exc)
        return SFTP_OK

    def rmdir(self, path: str) -> int:
        directory = self._path(path)
        try:
            if self.fs.listdir(directory):
                raise DeviceFsError(errno.ENOTEMPTY, directory)
            self.fs.remove(directory, recursive=True)
        except DeviceFsError as exc:
            return self.fail(exc)
        return SFTP_OK

    def canonicalize(self, path: str) -> str:
        return self._path(path)


class ReadHandle(paramiko.SFTPHandle):
    """A device file read in order; a read at another offset starts over and skips to it."""

    def __init__(self, session: DeviceSftp, path: str) -> None:
        super().__init__()
        self._session = session
        self._path = path
        self._buffer = b""
        self._position = 0
        self._chunks = self._start()

    def _start(self) -> Iterator[bytes]:
        chunks = self._session.fs.iter_chunks(self._path, READ_CHUNK)
        self._buffer = next(chunks, b"")  # opens the file now: ENOENT / EISDIR belong to open()
        self._position = 0
        return chunks

    def read(self, offset: int, length: int) -> bytes | int:
        try:
            if offset < self._position:
                self._close_chunks()
                self._chunks = self._start()
            while self._position < offset and self._fill():
                skip = min(len(self._buffer), offset - self._position)
                self._buffer = self._buffer[skip:]
                self._position += skip
            while len(self._buffer) < length and self._fill(extend=True):
                pass
        except DeviceFsError as exc:
            return self._session.fail(exc)
        data, self._buffer = self._buffer[:length], self._buffer[length:]
        self._position += len(data)
        return data

    def _fill(self, extend: bool = False) -> bool:
        """Make sure the buffer has bytes (or more bytes, with ``extend``); False at the end of file."""
        if self._buffer and not extend:
            return True
        chunk = next(self._chunks, b"")
        self._buffer += chunk
        return bool(chunk)

    def stat(self) -> paramiko.SFTPAttributes | int:
        return self._session.attributes(self._path)

    def close(self) -> None:
        self._close_chunks()

    def _close_chunks(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()


class WriteHandle(paramiko.SFTPHandle):
    """A device file written in order through the quota (``position`` None: append mode).

    After a failed write (the quota) every later write fails the same way: the file has a hole.
    """

    def __init__(self, session: DeviceSftp, path: str, writer: QuotaWriter, position: int | None) -> None:
        super().__init__()
        self._session = session
        self._path = path
        self._writer = writer
        self._position = position
        self._failure: DeviceFsError | None = None

    def write(self, offset: int, data: bytes) -> int:
        if self._failure is not None:
            return self._session.fail(self._failure)
        if self._position is not None and offset != self._position:
            return self._session.unsupported(
                f"{self._path}: the device accepts sequential writes only "
                f"(write at {offset}, file position {self._position})"
            )
        try:
            self._writer.write(data)
        except DeviceFsError as exc:
            self._failure = exc
            return self._session.fail(exc)
        if self._position is not None:
            self._position += len(data)
        return SFTP_OK

    def stat(self) -> paramiko.SFTPAttributes | int:
        return self._session.attributes(self._path)

    def close(self) -> None:
        self._writer.close()
