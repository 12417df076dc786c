"""Fuzz target: hostile byte streams against a live emulated hdc server. After the run the server still
answers, and the process has no more threads or descriptors and not much more memory than before."""

from __future__ import annotations

import logging
import os
import socket
import struct
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from harness.hdc import HdcClient
from ohos_emulator.device import DeviceConfig, EmulatedDevice
from ohos_emulator.fronts.hdc_server import HdcServer
from ohos_emulator.fronts.limits import FrontLimits
from ohos_emulator.profiles import get_profile
from ohos_protocol import hdc_wire as wire

KEY = "emu-fuzz"
MiB = 1024 * 1024
VERBS = [
    "list targets",
    "checkserver",
    "wait",
    "file send ",
    "file recv ",
    "file ",
    "install ",
    "uninstall ",
    "shell echo ",
    "shell ",
    "tconn ",
    "alive",
    "hilog -h",
    "nope ",
]  # never fport: it opens listeners
COMMANDS = st.builds(lambda verb, tail: (verb + tail).encode(), st.sampled_from(VERBS), st.text(max_size=40))
FRAMES = st.one_of(COMMANDS.map(wire.encode_frame), st.binary(max_size=80))
HANDSHAKES = st.one_of(
    st.sampled_from([KEY, "", "any", "nope"]).map(
        lambda key: wire.ClientHello(wire.server_banner(), key).encode()
    ),
    st.binary(max_size=300),
)


def _threads() -> int:
    return threading.active_count()


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class _Errors(logging.Handler):
    """Error records of the emulator's fronts: a connection thread that crashed logs one."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record.getMessage())


ERRORS = _Errors()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HdcServer]:
    state = tmp_path_factory.mktemp("fuzz-device")
    device = EmulatedDevice(DeviceConfig(KEY, state / KEY, get_profile("api10-doc")))
    hdc = HdcServer(
        {KEY: device}, idle_timeout=0.5, limits=FrontLimits(frame_timeout=0.5), host_files=[state]
    )
    hdc.start()
    logging.getLogger("ohos_emulator").addHandler(ERRORS)
    yield hdc
    logging.getLogger("ohos_emulator").removeHandler(ERRORS)
    hdc.close()
    device.close()


@pytest.fixture(scope="module")
def baseline(server: HdcServer) -> Iterator[tuple[int, int, int]]:
    HdcClient(*server.address, timeout=5).list_targets()  # first-use allocations before measuring
    before = (_threads(), _fds(), _rss())
    yield before


def _attack(server: HdcServer, handshake: bytes, frames: list[bytes]) -> None:
    with socket.create_connection(server.address, timeout=2) as sock:
        try:
            wire.read_frame(sock)
            sock.sendall(struct.pack(">I", len(handshake)) + handshake if handshake else b"")
            for frame in frames:
                sock.sendall(frame)
            sock.shutdown(socket.SHUT_WR)
            while sock.recv(65536):
                pass
        except OSError:
            pass  # the server closed on us: what it should do with garbage


@given(HANDSHAKES, st.lists(FRAMES, max_size=4))
@example(wire.ClientHello(wire.server_banner(), KEY).encode(), [wire.encode_frame(b"file ")])
@example(wire.ClientHello(wire.server_banner(), KEY).encode(), [struct.pack(">I", 16 * MiB)])
def test_hostile_streams_end_only_their_connection(
    server: HdcServer, baseline: tuple[int, int, int], handshake: bytes, frames: list[bytes]
) -> None:
    _attack(server, handshake, frames)


def test_after_the_fuzz_run_the_server_answers_and_nothing_leaked(
    server: HdcServer, baseline: tuple[int, int, int]
) -> None:
    threads, fds, rss = baseline
    assert HdcClient(*server.address, timeout=5).list_targets() == [KEY]

    def settled() -> bool:
        return _threads() <= threads and _fds() <= fds

    deadline = threading.Event()
    for _ in range(100):  # connection threads end within the 0.5 s idle timeout of their reads
        if settled():
            break
        deadline.wait(0.1)
    after = (_threads(), _fds(), _rss())
    print(
        f"fuzz hdc server: threads {threads}->{after[0]}, fds {fds}->{after[1]}, "
        f"RSS {rss / MiB:.1f}->{after[2] / MiB:.1f} MiB"
    )
    assert not ERRORS.records, ERRORS.records
    assert after[0] <= threads and after[1] <= fds
    assert after[2] - rss < 64 * MiB
