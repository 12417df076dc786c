"""Bounded fronts: handshakes of every known client, frame caps and deadlines, connection caps, and an
accept loop that outlives running out of descriptors (docs/emulator.md, "Limits of the fronts")."""

from __future__ import annotations

import errno
import logging
import socket
import struct
import threading
import time
from collections.abc import Callable

import pytest
from waiting import wait_for

from harness.hdc import HdcClient
from ohos_emulator.device import EmulatedDevice
from ohos_emulator.fronts.hdc_server import HdcServer
from ohos_emulator.fronts.limits import FrontLimits
from ohos_emulator.fronts.resources import accepted
from ohos_protocol import hdc_wire as wire

KEY = "emu-0001"


def _connect(server: HdcServer) -> socket.socket:
    sock = socket.create_connection(server.address, timeout=5)
    assert wire.read_frame(sock) is not None  # the server's handshake
    return sock


def _closed_by_server(sock: socket.socket, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while (remaining := deadline - time.monotonic()) > 0:
        sock.settimeout(remaining)
        try:
            if not sock.recv(65536):
                return True
        except ConnectionResetError:
            return True
        except TimeoutError:
            return False
    return False


@pytest.mark.parametrize("size", [44, 108, 268])
def test_list_targets_after_the_handshake_of_each_known_client(
    make_hdc_server: Callable[..., HdcServer], device: EmulatedDevice, size: int
) -> None:
    server = make_hdc_server([device])
    with _connect(server) as sock:
        sock.sendall(wire.encode_frame(wire.server_banner().ljust(size, b"\0")))
        sock.sendall(wire.encode_frame(b"list targets\0"))
        assert wire.read_frame(sock) == f"{KEY}\n".encode()


def test_a_command_longer_than_the_real_server_accepts_is_refused_unread(
    make_hdc_server: Callable[..., HdcServer], device: EmulatedDevice, caplog: pytest.LogCaptureFixture
) -> None:
    server = make_hdc_server([device])
    with caplog.at_level(logging.WARNING), _connect(server) as sock:
        sock.sendall(wire.encode_frame(wire.ClientHello(wire.server_banner(), KEY).encode()))
        sock.sendall(struct.pack(">I", wire.COMMAND_MAX + 1))
        assert _closed_by_server(sock)
    assert f"exceeds the {wire.COMMAND_MAX}-byte limit" in caplog.text


def test_a_dripping_client_is_closed_by_the_frame_deadline(
    make_hdc_server: Callable[..., HdcServer], device: EmulatedDevice, caplog: pytest.LogCaptureFixture
) -> None:
    server = make_hdc_server([device], limits=FrontLimits(frame_timeout=1.0))
    hello = wire.encode_frame(wire.ClientHello(wire.server_banner(), KEY).encode())
    started = time.monotonic()
    with caplog.at_level(logging.WARNING), _connect(server) as sock:
        for byte in hello:  # a byte every 0.2 s: each recv is quick, the frame is not
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                break
            if _closed_by_server(sock, 0.2):
                break
        assert _closed_by_server(sock)
    assert time.monotonic() - started < 4.0
    assert "did not arrive whole within 1 s" in caplog.text


def test_connections_over_the_cap_are_closed_at_once_and_counted(
    make_hdc_server: Callable[..., HdcServer], device: EmulatedDevice, caplog: pytest.LogCaptureFixture
) -> None:
    server = make_hdc_server([device], limits=FrontLimits(max_connections=2))
    with caplog.at_level(logging.WARNING):
        held = [_connect(server), _connect(server)]
        extra = socket.create_connection(server.address, timeout=5)
        assert _closed_by_server(extra)
        extra.close()
        for sock in held:
            sock.close()
        client = HdcClient(*server.address, timeout=5)
        assert wait_for(lambda: _lists_targets(client), timeout=5)
    assert "refused a connection (1 refused so far)" in caplog.text


def _lists_targets(client: HdcClient) -> bool:
    try:
        return client.list_targets() == [KEY]
    except Exception:
        return False


class _FlakyListener:
    """A listener whose accept() fails as a process out of descriptors does, then works."""

    def __init__(self, failures: list[int], real: socket.socket) -> None:
        self.failures = failures
        self.real = real

    def accept(self) -> tuple[socket.socket, object]:
        if self.failures:
            raise OSError(self.failures.pop(0), "simulated")
        return self.real.accept()


def test_the_accept_loop_outlives_emfile_enfile_and_econnaborted(caplog: pytest.LogCaptureFixture) -> None:
    closing = threading.Event()
    with socket.create_server(("127.0.0.1", 0)) as real, caplog.at_level(logging.WARNING):
        listener = _FlakyListener([errno.EMFILE, errno.EMFILE, errno.ENFILE, errno.ECONNABORTED], real)
        client = socket.create_connection(real.getsockname(), timeout=5)
        loop = accepted(listener, closing, "test front")  # type: ignore[arg-type]
        sock, _ = next(loop)
        sock.close()
        client.close()
    assert caplog.text.count("accept failed") == 1
    assert "accepting connections again" in caplog.text
    closing.set()
