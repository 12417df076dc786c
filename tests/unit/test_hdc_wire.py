"""ohos_protocol.hdc_wire: handshakes, framing and the transfer structs, byte for byte."""

from __future__ import annotations

import socket
import struct
import time

import pytest

from ohos_protocol import hdc_wire as wire

# The exchange observed against the real hdc (docs/hdc-protocol.md §1.2).
SERVER_HELLO = bytes.fromhex("4f484f5320484443000000489f4f0b7f") + bytes(28)
CLIENT_HELLO = bytes.fromhex("4f484f532048444300000048") + b"SER123".ljust(32, b"\0")


def test_server_hello_round_trip_44_bytes() -> None:
    hello = wire.ServerHello.decode(SERVER_HELLO)
    assert hello.channel_id == 0x9F4F0B7F
    assert hello.huge_buffers
    assert hello.version is None
    assert wire.ServerHello(wire.server_banner(), 0x9F4F0B7F).encode() == SERVER_HELLO


def test_server_hello_with_version_is_108_bytes() -> None:
    encoded = wire.ServerHello(wire.server_banner(), 7, b"Ver: 3.2.0f0123456789abcdef").encode()
    assert len(encoded) == wire.HANDSHAKE_SIZE_VERSIONED
    decoded = wire.ServerHello.decode(encoded)
    assert decoded.channel_id == 7
    assert decoded.version == b"Ver: 3.2.0f0123456789abcdef".ljust(64, b"\0")


def test_client_hello_round_trip_both_lengths() -> None:
    assert wire.ClientHello(wire.server_banner(), "SER123").encode() == CLIENT_HELLO
    decoded = wire.ClientHello.decode(CLIENT_HELLO)
    assert decoded.connect_key == "SER123"
    assert not decoded.wait
    versioned = wire.ClientHello(wire.server_banner(), "emu-0001", b"Ver: 3.2.0f").encode()
    assert len(versioned) == 108
    assert wire.ClientHello.decode(versioned).connect_key == "emu-0001"


def test_client_hello_32_byte_key_has_no_nul_and_longer_is_refused() -> None:
    key = "k" * 32
    assert wire.ClientHello.decode(wire.ClientHello(wire.server_banner(), key).encode()).connect_key == key
    with pytest.raises(wire.ProtocolError, match="longer than 32"):
        wire.ClientHello(wire.server_banner(), "k" * 33).encode()


def test_wait_tag_is_byte_11() -> None:
    banner = bytearray(wire.server_banner())
    banner[11] = ord("W")
    assert wire.ClientHello.decode(bytes(banner) + bytes(32)).wait


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        (b"OHOS HDC", "8 bytes"),
        (b"OHOS HDC" + bytes(2000), "2008 bytes"),
        (b"GET / HTTP/1.1\r\n" + bytes(28), "does not start"),
        (wire.server_banner() + b"k" * 33 + bytes(11), "longer than 32"),
    ],
)
def test_bad_handshakes_are_named(payload: bytes, problem: str) -> None:
    with pytest.raises(wire.ProtocolError, match=problem):
        wire.ClientHello.decode(payload)


@pytest.mark.parametrize("size", [44, 108, 268])
def test_client_handshakes_of_every_known_client_are_read_as_the_real_server_reads_them(size: int) -> None:
    # hdc/hdctool send 44 (108 with a version); xdevice pads the key to 256 bytes, 268 in all
    # (docs/hdc-protocol.md §1.9).
    payload = (wire.server_banner() + b"emu-0001").ljust(size, b"\0")
    hello = wire.ClientHello.decode(payload)
    assert hello.connect_key == "emu-0001"
    assert (hello.version is not None) == (size == 108)


def test_read_frame_refuses_a_length_above_its_limit_before_reading_the_payload() -> None:
    left, right = socket.socketpair()
    with left, right:
        left.sendall(struct.pack(">I", wire.COMMAND_MAX + 1))
        with pytest.raises(wire.ProtocolError, match="exceeds"):
            wire.read_frame(right, wire.COMMAND_MAX)


def test_a_dripping_frame_ends_at_its_deadline_not_at_the_idle_timeout() -> None:
    left, right = socket.socketpair()
    with left, right:
        right.settimeout(5.0)
        left.sendall(struct.pack(">I", 100) + b"x")
        started = time.monotonic()
        with pytest.raises(wire.FrameTimeout, match=r"within 0\.3 s"):
            wire.read_frame(right, frame_timeout=0.3)
        assert time.monotonic() - started < 2.0
        assert right.gettimeout() == 5.0


def test_frame_is_big_endian_length_then_payload() -> None:
    assert wire.encode_frame(b"list targets\0") == b"\x00\x00\x00\x0dlist targets\0"
    with pytest.raises(wire.ProtocolError, match="0-length"):
        wire.encode_frame(b"")


def test_decoder_handles_split_and_joined_frames() -> None:
    decoder = wire.FrameDecoder()
    stream = wire.encode_frame(b"total 0") + wire.encode_frame(b"drwx\n")
    decoder.feed(stream[:3])
    assert decoder.next_frame() is None
    decoder.feed(stream[3:13])
    assert decoder.next_frame() == b"total 0"
    assert decoder.next_frame() is None
    decoder.feed(stream[13:])
    assert decoder.next_frame() == b"drwx\n"
    assert decoder.pending == 0


@pytest.mark.parametrize(("length", "problem"), [(0, "0-length"), (wire.MAX_FRAME + 1, "exceeds")])
def test_decoder_rejects_bad_lengths(length: int, problem: str) -> None:
    decoder = wire.FrameDecoder()
    decoder.feed(struct.pack(">I", length))
    with pytest.raises(wire.ProtocolError, match=problem):
        decoder.next_frame()


def test_read_frame_from_a_socket_and_truncation() -> None:
    left, right = socket.socketpair()
    with left, right:
        left.sendall(wire.encode_frame(b"abc") + struct.pack(">I", 10) + b"12345")
        left.shutdown(socket.SHUT_WR)
        assert wire.read_frame(right) == b"abc"
        with pytest.raises(wire.TruncatedFrame, match="5 of 10"):
            wire.read_frame(right)
    left, right = socket.socketpair()
    with left, right:
        left.close()
        assert wire.read_frame(right) is None


def test_echo_text_adds_crlf_unless_it_ends_in_newline() -> None:
    assert wire.echo_text("Empty", "") == b"Empty\r\n"
    assert wire.echo_text("Unknown command...", wire.FAIL) == b"[Fail]Unknown command...\r\n"
    assert wire.echo_text("emu-0001\n") == b"emu-0001\n"


def test_command_frames_are_little_endian_codes() -> None:
    assert wire.command_frame(wire.Command.CHECK_SERVER, b"Ver: 3.2.0f") == b"\x0d\x00Ver: 3.2.0f"
    assert wire.command_frame(wire.Command.FILE_INIT)[:2] == b"\xb8\x0b"
    assert wire.split_command(b"\xbc\x0b\x01") == (3004, b"\x01")
    with pytest.raises(wire.ProtocolError):
        wire.split_command(b"\x01")


def test_transfer_config_writes_zero_fields_and_round_trips() -> None:
    config = wire.TransferConfig(
        file_size=6, path="/data/local/tmp/x.txt", optional_name="local.txt", client_cwd="/cwd/"
    )
    encoded = config.encode()
    assert encoded.startswith(b"\x08\x06\x10\x00\x18\x00\x22\x00\x2a\x15/data/local/tmp/x.txt")
    assert b"\x32\x09local.txt\x38\x00\x40\x00\x48\x00\x52\x00\x5a\x05/cwd/\x62\x00\x6a\x00" in encoded
    assert wire.TransferConfig.decode(encoded) == config


def test_transfer_config_decodes_large_varints_and_skips_unknown_tags() -> None:
    big = wire.TransferConfig(file_size=5 * 1024**3, mtime=1_700_000_000_123_456_789, hold_timestamp=True)
    assert wire.TransferConfig.decode(big.encode() + b"\x70\x01") == big


def test_transfer_config_errors_are_protocol_errors() -> None:
    with pytest.raises(wire.ProtocolError, match="varint"):
        wire.TransferConfig.decode(b"\x08\x80")
    with pytest.raises(wire.ProtocolError, match="past the end"):
        wire.TransferConfig.decode(b"\x2a\x10abc")


def test_payload_header_is_64_bytes_and_survives_zero_sizes() -> None:
    header = wire.TransferPayload(0, 0, 6, 6).encode_header()
    assert header == b"\x08\x00\x10\x00\x18\x06\x20\x06" + bytes(56)
    empty = wire.TransferPayload(0, 0, 0, 0)
    assert wire.TransferPayload.decode_header(empty.encode_header()) == empty
    frame = wire.data_frame(1 << 20, b"hello\n")
    code, rest = wire.split_command(frame)
    assert code == wire.Command.FILE_DATA
    assert wire.TransferPayload.decode_header(rest) == wire.TransferPayload(1 << 20, 0, 6, 6)
    assert rest[64:] == b"hello\n"
