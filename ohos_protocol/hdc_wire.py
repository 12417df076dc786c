"""The hdc client↔server wire format, shared by the harness's client and the emulated server.

Byte-level contract: docs/hdc-protocol.md §1. Every message is a frame (a 4-byte
big-endian length, then that many bytes; a length of 0 is a protocol error). The server speaks first
with a 44-byte (or, with a version, 108-byte) channel handshake; the client echoes it with its connect
key. Server messages are text; transfer messages start with a little-endian uint16 command code, and
their structs are serialized protobuf-style (tag << 3 | wire type, varints, length-delimited strings,
zero fields still written).
"""

from __future__ import annotations

import secrets
import socket
import string
import struct
import time
from dataclasses import dataclass, fields
from enum import IntEnum

BANNER = b"OHOS HDC"
BANNER_SIZE = 12
FEATURE_TAG_OFFSET = 11
HUGE_BUF_TAG = ord("H")
WAIT_TAG = ord("W")
CONNECT_KEY_SIZE = 32
VERSION_SIZE = 64
HANDSHAKE_SIZE = BANNER_SIZE + CONNECT_KEY_SIZE
HANDSHAKE_SIZE_VERSIONED = HANDSHAKE_SIZE + VERSION_SIZE
MAX_FRAME = 16 * 1024 * 1024
"""Largest data frame either side sends or accepts (docs/hdc-protocol.md §1.9)."""
CLIENT_HANDSHAKE_MAX = 1024
"""Largest client handshake the emulated server reads: xdevice's is 268 bytes, hdctool's 44 or 108."""
COMMAND_MAX = 511 * 1024 * 4
"""Largest command frame: the real server's channel buffer, MAX_SIZE_IOBUF × BUF_EXTEND_SIZE
(docs/hdc-protocol.md §1.9)."""
READ_CHUNK = 64 * 1024
VERSION = "Ver: 3.2.0f"
PAYLOAD_HEADER_SIZE = 64
FEATURE_FLAGS = bytes([0x05, 0, 0, 0, 0, 0, 0, 0])
"""FILE_BEGIN feature bytes as the real daemon and client send them (huge buffers, no lz4)."""

EMPTY = "[Empty]"
FAIL = "[Fail]"
INFO = "[Info]"
UNKNOWN_KEY = "Not match target founded, check connect-key please"
NEED_KEY = "ExecuteCommand need connect-key? please confirm a device by help info"
SERVER_REFUSALS = (
    f"{FAIL}{UNKNOWN_KEY}",
    f"{FAIL}{NEED_KEY}",
    f"{FAIL}[E001005]",
    f"{FAIL}[E000004]",
)
"""Replies with which the server refuses a device command before running it (not device output)."""


class Command(IntEnum):
    """The `HdcCommand` codes (src/common/define_enum.h) this wire format uses."""

    CHANNEL_CLOSE = 2
    WAKEUP_SLAVETASK = 12
    CHECK_SERVER = 13
    FILE_INIT = 3000
    FILE_CHECK = 3001
    FILE_BEGIN = 3002
    FILE_DATA = 3003
    FILE_FINISH = 3004
    APP_INIT = 3500
    APP_CHECK = 3501
    APP_BEGIN = 3502
    APP_DATA = 3503
    APP_FINISH = 3504


@dataclass(frozen=True)
class TransferCodes:
    """The command codes of one kind of transfer: files (FILE_*) or packages to install (APP_*)."""

    init: Command
    check: Command
    begin: Command
    data: Command
    finish: Command


FILE_TRANSFER = TransferCodes(
    Command.FILE_INIT, Command.FILE_CHECK, Command.FILE_BEGIN, Command.FILE_DATA, Command.FILE_FINISH
)
APP_TRANSFER = TransferCodes(
    Command.APP_INIT, Command.APP_CHECK, Command.APP_BEGIN, Command.APP_DATA, Command.APP_FINISH
)


class ProtocolError(Exception):
    """The peer sent bytes that are not hdc: the message says what was wrong."""


class TruncatedFrame(ProtocolError):
    """The connection ended in the middle of a frame."""


class FrameTimeout(TimeoutError):
    """A frame that started did not arrive whole within its deadline."""


# -- framing -----------------------------------------------------------------------------------------


def encode_frame(payload: bytes) -> bytes:
    """A frame carrying ``payload``; empty payloads are refused (the peer would drop the channel)."""
    if not payload:
        raise ProtocolError("refusing to send a 0-length frame")
    if len(payload) > MAX_FRAME:
        raise ProtocolError(f"frame of {len(payload)} bytes exceeds the {MAX_FRAME}-byte limit")
    return struct.pack(">I", len(payload)) + payload


def check_length(length: int, limit: int = MAX_FRAME) -> int:
    """``length`` if a frame may have it, else a ProtocolError naming the problem."""
    if length == 0:
        raise ProtocolError("0-length frame (a protocol error in hdc)")
    if length > limit:
        raise ProtocolError(f"frame length {length} exceeds the {limit}-byte limit")
    return length


class _FrameReader:
    """Reads one frame in chunks, so memory grows only with the bytes that really arrived.

    The wait for a frame's first byte is the socket's own timeout (the idle time allowed between
    frames); once it arrived, the whole frame must arrive within ``frame_timeout`` seconds, however
    slowly the bytes drip in.
    """

    def __init__(self, sock: socket.socket, frame_timeout: float | None) -> None:
        self.sock = sock
        self.frame_timeout = frame_timeout
        self.idle = sock.gettimeout()
        self.deadline: float | None = None

    def recv(self, size: int) -> bytes:
        if self.deadline is None:
            data = self.sock.recv(min(size, READ_CHUNK))
        else:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise FrameTimeout(f"a frame did not arrive whole within {self.frame_timeout:g} s")
            self.sock.settimeout(remaining if self.idle is None else min(self.idle, remaining))
            try:
                data = self.sock.recv(min(size, READ_CHUNK))
            except TimeoutError:
                if time.monotonic() < self.deadline:
                    raise
                raise FrameTimeout(f"a frame did not arrive whole within {self.frame_timeout:g} s") from None
        if self.deadline is None and self.frame_timeout is not None:
            self.deadline = time.monotonic() + self.frame_timeout
        return data

    def exact(self, size: int, what: str, started: bool) -> bytes | None:
        """Exactly ``size`` bytes; None on EOF before the frame's first byte; TruncatedFrame after it."""
        parts: list[bytes] = []
        got = 0
        while got < size:
            data = self.recv(size - got)
            if not data:
                if got == 0 and not started:
                    return None
                raise TruncatedFrame(f"connection closed after {got} of {size} bytes of a frame {what}")
            parts.append(data)
            got += len(data)
        return b"".join(parts)

    def restore(self) -> None:
        self.sock.settimeout(self.idle)


def read_frame(
    sock: socket.socket, limit: int = MAX_FRAME, frame_timeout: float | None = None
) -> bytes | None:
    """One frame's payload from a blocking socket; None on a clean EOF between frames.

    A length above ``limit`` is refused before any of the payload is read; with ``frame_timeout`` a
    frame that started must be complete within that many seconds. Timeouts raise :class:`TimeoutError`.
    """
    reader = _FrameReader(sock, frame_timeout)
    try:
        head = reader.exact(4, "length", started=False)
        if head is None:
            return None
        length = check_length(struct.unpack(">I", head)[0], limit)
        body = reader.exact(length, "payload", started=True)
        assert body is not None
        return body
    finally:
        reader.restore()


class FrameDecoder:
    """Incremental framing for readers that wait with deadlines (partial frames survive a timeout)."""

    def __init__(self, limit: int = MAX_FRAME) -> None:
        self._buffer = bytearray()
        self._limit = limit

    def feed(self, data: bytes) -> None:
        self._buffer += data

    @property
    def pending(self) -> int:
        """Bytes buffered that do not yet make a whole frame."""
        return len(self._buffer)

    def next_frame(self) -> bytes | None:
        """The next complete frame's payload, or None until more bytes arrive."""
        if len(self._buffer) < 4:
            return None
        length = check_length(struct.unpack_from(">I", self._buffer)[0], self._limit)
        if len(self._buffer) < 4 + length:
            return None
        payload = bytes(self._buffer[4 : 4 + length])
        del self._buffer[: 4 + length]
        return payload


# -- handshake ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServerHello:
    """The server's handshake: its banner (feature tags included), channel id, optional version."""

    banner: bytes
    channel_id: int
    version: bytes | None = None

    def encode(self) -> bytes:
        body = self.banner + struct.pack(">I", self.channel_id) + bytes(CONNECT_KEY_SIZE - 4)
        return body + (self.version.ljust(VERSION_SIZE, b"\0") if self.version is not None else b"")

    @classmethod
    def decode(cls, payload: bytes) -> ServerHello:
        _check_handshake(payload, "server")
        version = payload[HANDSHAKE_SIZE:] if len(payload) == HANDSHAKE_SIZE_VERSIONED else None
        return cls(payload[:BANNER_SIZE], struct.unpack_from(">I", payload, BANNER_SIZE)[0], version)

    @property
    def huge_buffers(self) -> bool:
        return self.banner[FEATURE_TAG_OFFSET] == HUGE_BUF_TAG


@dataclass(frozen=True)
class ClientHello:
    """The client's reply: the echoed banner, its connect key, the wait tag, optional version."""

    banner: bytes
    connect_key: str
    version: bytes | None = None

    def encode(self) -> bytes:
        key = self.connect_key.encode("utf-8")
        if len(key) > CONNECT_KEY_SIZE:
            raise ProtocolError(f"connect key {self.connect_key!r} is longer than {CONNECT_KEY_SIZE} bytes")
        body = self.banner + key.ljust(CONNECT_KEY_SIZE, b"\0")
        return body + (self.version.ljust(VERSION_SIZE, b"\0") if self.version is not None else b"")

    @classmethod
    def decode(cls, payload: bytes) -> ClientHello:
        """As the real server reads it: the `OHOS HDC` prefix, then the key up to its first NUL (at
        most 32 bytes); any length from the banner up to CLIENT_HANDSHAKE_MAX (xdevice pads its key
        to 256 bytes)."""
        if len(payload) < BANNER_SIZE or len(payload) > CLIENT_HANDSHAKE_MAX:
            raise ProtocolError(
                f"client handshake is {len(payload)} bytes, not {BANNER_SIZE} to {CLIENT_HANDSHAKE_MAX}"
            )
        if not payload.startswith(BANNER):
            raise ProtocolError(f"client handshake does not start with {BANNER!r}: {payload[:12]!r}")
        key = payload[BANNER_SIZE:].split(b"\0", 1)[0]
        if len(key) > CONNECT_KEY_SIZE:
            raise ProtocolError(f"client handshake's connect key is longer than {CONNECT_KEY_SIZE} bytes")
        version = payload[HANDSHAKE_SIZE:] if len(payload) == HANDSHAKE_SIZE_VERSIONED else None
        return cls(payload[:BANNER_SIZE], key.decode("utf-8", errors="replace"), version)

    @property
    def wait(self) -> bool:
        """The client asked to wait for its target (`hdc -t KEY wait`)."""
        return self.banner[FEATURE_TAG_OFFSET] == WAIT_TAG


def server_banner() -> bytes:
    """`OHOS HDC` with the huge-buffer tag, as a v5+ server sends it."""
    banner = bytearray(BANNER.ljust(BANNER_SIZE, b"\0"))
    banner[FEATURE_TAG_OFFSET] = HUGE_BUF_TAG
    return bytes(banner)


def _check_handshake(payload: bytes, side: str) -> None:
    if len(payload) not in (HANDSHAKE_SIZE, HANDSHAKE_SIZE_VERSIONED):
        raise ProtocolError(
            f"{side} handshake is {len(payload)} bytes, not {HANDSHAKE_SIZE} or {HANDSHAKE_SIZE_VERSIONED}"
        )
    if not payload.startswith(BANNER):
        raise ProtocolError(f"{side} handshake does not start with {BANNER!r}: {payload[:12]!r}")


# -- server text and command frames -------------------------------------------------------------------


def echo_text(text: str, prefix: str = "") -> bytes:
    """A server message as `EchoClient` words it: prefix, then `\\r\\n` unless it ends in `\\n`."""
    message = prefix + text
    return (message if message.endswith("\n") else message + "\r\n").encode("utf-8")


def command_frame(command: Command, payload: bytes = b"") -> bytes:
    """A transfer message: the command code (little-endian uint16), then the payload."""
    return struct.pack("<H", command) + payload


def split_command(payload: bytes) -> tuple[int, bytes]:
    """(code, rest) of a command frame; ProtocolError if it is too short to carry a code."""
    if len(payload) < 2:
        raise ProtocolError(f"a {len(payload)}-byte frame cannot carry a command code")
    return struct.unpack_from("<H", payload)[0], payload[2:]


# -- protobuf-style structs (src/common/serial_struct.h) ---------------------------------------------


def _varint(value: int) -> bytes:
    if value < 0:
        raise ProtocolError(f"cannot encode negative {value} as a varint")
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _read_varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if at >= len(data):
            raise ProtocolError("struct ends inside a varint")
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, at
        shift += 7
        if shift > 63:
            raise ProtocolError("varint longer than 64 bits")


def _encode_struct(instance: object) -> bytes:
    out = bytearray()
    for tag, spec in enumerate(fields(instance), start=1):  # type: ignore[arg-type]
        value = getattr(instance, spec.name)
        if isinstance(value, str):
            raw = value.encode("utf-8")
            out += _varint(tag << 3 | 2) + _varint(len(raw)) + raw
        else:
            out += _varint(tag << 3) + _varint(int(value))
    return bytes(out)


def _decode_struct(cls: type, data: bytes, padded: bool = False) -> dict[str, object]:
    """Field values by name; unknown tags are skipped. ``padded``: a 0 byte where a key would be ends it."""
    specs = {tag: spec for tag, spec in enumerate(fields(cls), start=1)}
    values: dict[str, object] = {}
    at = 0
    while at < len(data):
        key, at = _read_varint(data, at)
        if key == 0 and padded:
            break
        tag, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, at = _read_varint(data, at)
        elif wire_type == 2:
            size, at = _read_varint(data, at)
            if at + size > len(data):
                raise ProtocolError(f"field {tag} of {cls.__name__} runs past the end of the struct")
            value, at = data[at : at + size], at + size
        elif wire_type in (1, 5):
            width = 8 if wire_type == 1 else 4
            value, at = int.from_bytes(data[at : at + width], "little"), at + width
        else:
            raise ProtocolError(f"unknown wire type {wire_type} in {cls.__name__}")
        spec = specs.get(tag)
        if spec is None:
            continue
        if spec.type == "str":
            if not isinstance(value, bytes):
                raise ProtocolError(f"{cls.__name__}.{spec.name} should be a string")
            values[spec.name] = value.decode("utf-8", errors="replace")
        elif spec.type == "bool":
            values[spec.name] = bool(value)
        else:
            if not isinstance(value, int):
                raise ProtocolError(f"{cls.__name__}.{spec.name} should be a number")
            values[spec.name] = value
    return values


@dataclass(frozen=True)
class TransferConfig:
    """`HdcTransferBase::TransferConfig`: what a FILE_CHECK announces (fields in tag order)."""

    file_size: int = 0
    atime: int = 0
    mtime: int = 0
    options: str = ""
    path: str = ""
    optional_name: str = ""
    update_if_new: bool = False
    compress_type: int = 0
    hold_timestamp: bool = False
    function_name: str = ""
    client_cwd: str = ""
    reserve1: str = ""
    reserve2: str = ""

    def encode(self) -> bytes:
        return _encode_struct(self)

    @classmethod
    def decode(cls, data: bytes) -> TransferConfig:
        return cls(**_decode_struct(cls, data))  # type: ignore[arg-type]


@dataclass(frozen=True)
class TransferPayload:
    """`HdcTransferBase::TransferPayload`: the header in front of each FILE_DATA chunk."""

    index: int = 0
    compress_type: int = 0
    compress_size: int = 0
    uncompress_size: int = 0

    def encode_header(self) -> bytes:
        """The header zero-padded to its fixed 64 bytes."""
        return _encode_struct(self).ljust(PAYLOAD_HEADER_SIZE, b"\0")

    @classmethod
    def decode_header(cls, data: bytes) -> TransferPayload:
        if len(data) < PAYLOAD_HEADER_SIZE:
            raise ProtocolError(f"FILE_DATA of {len(data)} bytes is shorter than its 64-byte header")
        return cls(**_decode_struct(cls, data[:PAYLOAD_HEADER_SIZE], padded=True))  # type: ignore[arg-type]


def upload_name(suffix: str, length: int = 9) -> str:
    """A random name for an uploaded package, as the real client gives one (APP_CHECK optionalName),
    so that no odd local file name reaches bm."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length)) + suffix


def data_frame(index: int, chunk: bytes | memoryview, code: Command = Command.FILE_DATA) -> bytes:
    """A FILE_DATA (or APP_DATA) message carrying ``chunk`` (uncompressed) from file offset ``index``."""
    header = TransferPayload(index, 0, len(chunk), len(chunk)).encode_header()
    return command_frame(code, header + bytes(chunk))


def data_payload(payload: bytes, offset: int, size: int, code: Command = Command.FILE_DATA) -> bytes:
    """The plain bytes of a data message (after its code), checked to continue a ``size``-byte file at
    ``offset``; ProtocolError when the header says otherwise or the data runs past the file."""
    header = TransferPayload.decode_header(payload)
    data = payload[PAYLOAD_HEADER_SIZE:]
    if header.compress_type or header.uncompress_size != len(data) or header.index != offset:
        raise ProtocolError(
            f"{code.name} header {header} does not describe {len(data)} plain bytes at offset {offset}"
        )
    if offset + len(data) > size:
        raise ProtocolError(f"{code.name} runs past the {size} bytes announced")
    return data
