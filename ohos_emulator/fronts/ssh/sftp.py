"""The `sftp` subsystem over the device file system (through the `/data` quota, device paths only).

Supported: open for reading, open for writing (sequential writes from the start, after truncation,
or at the end of an existing file / in append mode), stat/lstat/fstat, setstat/fsetstat (mode and
times; a size or owner change is refused), listdir, remove, rename (fails if the target exists, as
SFTP v3 says), posix-rename (replaces the target), mkdir, rmdir, realpath, and OpenSSH's
``statvfs@openssh.com``/``fstatvfs@openssh.com`` (``sftp df``: the `/data` partition and its quota).
The channel ends with exit status 0, as OpenSSH's sftp-server does (``scp`` checks it).
Errors carry the device's message ("/data/x: No space left on device") as the status
text, since SFTP v3 has no code for most of them. A write that hits the quota writes what fits and
fails; the client is expected to upload under a temporary name and rename (the harness does).
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator

import paramiko
from paramiko.message import Message
from paramiko.sftp import (
    CMD_EXTENDED,
    CMD_EXTENDED_REPLY,
    CMD_INIT,
    CMD_VERSION,
    SFTP_OK,
    SFTP_OP_UNSUPPORTED,
    SFTPError,
)

from ohos_emulator.fs import SYSTEM_CAPACITY, SYSTEM_USED, DeviceFilesystem, DeviceFsError, QuotaWriter

READ_CHUNK = 65536
SFTP_VERSION = 3
BLOCK_SIZE = 4096
NAME_MAX = 255
ST_NOSUID = 2  # the f_flag bit OpenSSH's statvfs reply carries for a nosuid mount (/data is one)
# Extensions announced in SSH_FXP_VERSION (name, version), as OpenSSH's sftp-server names them.
EXTENSIONS = (
    ("posix-rename@openssh.com", "1"),
    ("statvfs@openssh.com", "2"),
    ("fstatvfs@openssh.com", "2"),
    ("check-file", "md5,sha1"),
)


class DeviceSftpServer(paramiko.SFTPServer):
    """paramiko's SFTP server, sending the device's error message with each failure status.

    paramiko sends every status through ``_send_status`` (unchanged since paramiko 1.x) but passes
    no text for the codes that handles and the interface return: the text comes from the session.
    """

    server: DeviceSftp

    def _send_status(self, request_number: int, code: int, desc: str | None = None) -> None:
        code, desc = self.server.status(code, desc)
        super()._send_status(request_number, code, desc)

    def _send_server_version(self) -> int:
        """Answer SSH_FXP_INIT with version 3 and the extensions this server implements.

        paramiko's own answer announces only ``check-file``: OpenSSH's client then refuses
        ``df`` ("Server does not support the statvfs@openssh.com extension").
        """
        kind, data = self._read_packet()
        if kind != CMD_INIT:
            raise SFTPError("Incompatible sftp protocol")
        reply = Message()
        reply.add_int(SFTP_VERSION)
        for name, version in EXTENSIONS:
            reply.add_string(name)
            reply.add_string(version)
        self._send_packet(CMD_VERSION, reply)
        return int.from_bytes(data[:4], "big")

    def _process(self, kind: int, request_number: int, msg: Message) -> None:
        if kind == CMD_EXTENDED:
            start = msg.packet.tell()
            tag = msg.get_text()
            if tag in ("statvfs@openssh.com", "fstatvfs@openssh.com"):
                self._statvfs(request_number, tag, msg)
                return
            msg.packet.seek(start)
        super()._process(kind, request_number, msg)

    def _statvfs(self, request_number: int, tag: str, msg: Message) -> None:
        """The reply of OpenSSH's statvfs extensions: eleven uint64 fields, as statvfs(3) has them."""
        if tag == "statvfs@openssh.com":
            path = self.server.canonicalize(msg.get_text())
        else:
            handle = self.file_table.get(msg.get_binary())
            if handle is None:
                self._send_status(request_number, paramiko.sftp.SFTP_BAD_MESSAGE, "Invalid handle")
                return
            path = handle.device_path
        capacity, used, flags = self.server.partition(path)
        blocks, free = capacity // BLOCK_SIZE, (capacity - used) // BLOCK_SIZE
        fields = (BLOCK_SIZE, BLOCK_SIZE, blocks, free, free, blocks, free, free, 0, flags, NAME_MAX)
        reply = Message()
        reply.add_int(request_number)
        for field in fields:
            reply.add_int64(field)
        self._send_packet(CMD_EXTENDED_REPLY, reply)

    def finish_subsystem(self) -> None:
        """End the session with exit status 0 (OpenSSH's scp and sftp read it), then close."""
        with contextlib.suppress(EOFError, OSError, paramiko.SSHException):  # the client is gone
            self.sock.send_exit_status(0)
        super().finish_subsystem()


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

    def partition(self, device_path: str) -> tuple[int, int, int]:
        """(capacity, used, statvfs flags) of the partition that holds ``device_path``."""
        if device_path.startswith(("/data", "/storage")):
            usage = self.fs.usage()
            return usage.capacity, min(usage.used, usage.capacity), ST_NOSUID
        return SYSTEM_CAPACITY, SYSTEM_USED, 0

    def change_attributes(self, path: str, attr: paramiko.SFTPAttributes) -> int:
        """setstat/fsetstat: the mode and the times of ``path``; a size or owner change is refused."""
        try:
            current = self.fs.stat(path)
            if attr._flags & attr.FLAG_SIZE and attr.st_size != current.st_size:
                return self.unsupported(f"{path}: the device does not change a file's size by setstat")
            if attr._flags & attr.FLAG_UIDGID and (attr.st_uid, attr.st_gid) != (
                current.st_uid,
                current.st_gid,
            ):
                return self.unsupported(f"{path}: the device does not change a file's owner by setstat")
            mode = attr.st_mode if attr._flags & attr.FLAG_PERMISSIONS else None
            times = (attr.st_atime, attr.st_mtime) if attr._flags & attr.FLAG_AMTIME else None
            self.fs.set_attributes(path, mode=mode, times=times)
        except DeviceFsError as exc:
            return self.fail(exc)
        return SFTP_OK

    def chattr(self, path: str, attr: paramiko.SFTPAttributes) -> int:
        return self.change_attributes(self._path(path), attr)

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
        self.device_path = path
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

    def chattr(self, attr: paramiko.SFTPAttributes) -> int:
        return self._session.change_attributes(self._path, attr)

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
        self.device_path = path
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

    def chattr(self, attr: paramiko.SFTPAttributes) -> int:
        self._writer.flush()  # OpenSSH sets the times before it closes: buffered bytes must not reset them
        return self._session.change_attributes(self._path, attr)

    def close(self) -> None:
        self._writer.close()
