"""HdcTransport against the emulated device over the emulated hdc server (real sockets throughout)."""

from __future__ import annotations

import hashlib
import os
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from waiting import wait_for

from harness.errors import DeviceCommandError, InfrastructureError, TransportError, TransportTimeout
from harness.hdc import HdcClient
from harness.trace import Trace
from harness.transport.base import Transport
from harness.transport.hdc import HdcTransport
from harness.transport.sentinel import PREFIX
from ohos_emulator.device import EmulatedDevice
from ohos_emulator.fronts.hdc_server import HdcServer

KEY = "emu-0001"


@pytest.fixture
def trace() -> Trace:
    return Trace()


@pytest.fixture
def make_transport(hdc_server: HdcServer, trace: Trace) -> Iterator[Callable[[str], HdcTransport]]:
    made: list[HdcTransport] = []

    def make(device_id: str = KEY) -> HdcTransport:
        made.append(HdcTransport(device_id, *hdc_server.address, trace, connect_timeout=5))
        return made[-1]

    yield make
    for transport in made:
        transport.close()


@pytest.fixture
def transport(make_transport: Callable[[str], HdcTransport]) -> HdcTransport:
    return make_transport(KEY)


def test_it_is_a_transport(transport: HdcTransport) -> None:
    typed: Transport = transport
    assert (typed.name, typed.device_id) == ("hdc", KEY)
    members = ("run", "push", "pull", "open_stream", "start", "close")
    assert all(callable(getattr(transport, member)) for member in members)


@pytest.mark.parametrize(
    ("command", "status", "output"),
    [
        ("echo hi", 0, "hi\n"),
        ("false", 1, ""),
        ("nosuchcmd", 127, "sh: nosuchcmd: not found\n"),
        ("sh -c 'exit 5'", 5, ""),
        ("cat /data/nope", 1, "cat: /data/nope: No such file or directory\n"),
        ("echo a # a comment", 0, "a\n"),
        ("echo bg &", 0, "bg\n"),
        ("printf 'no newline'", 0, "no newline"),
    ],
)
def test_run_reports_exit_status_and_merged_output(
    transport: HdcTransport, command: str, status: int, output: str
) -> None:
    result = transport.run(command, timeout=10)
    assert (result.command, result.exit_status, result.output) == (command, status, output)


def test_trailing_backslash_does_not_swallow_the_marker(transport: HdcTransport) -> None:
    result = transport.run("echo a \\", timeout=10)
    assert result.exit_status == 0
    assert result.output.startswith("a")


def test_check_raises_for_a_failed_command(transport: HdcTransport) -> None:
    with pytest.raises(DeviceCommandError, match="exited 127"):
        transport.run("nosuchcmd").check()


def test_output_with_crlf_is_kept(transport: HdcTransport) -> None:
    result = transport.run(r"printf 'a\r\nb\r\n'")
    assert (result.output, result.exit_status) == ("a\r\nb\r\n", 0)


def test_a_command_printing_a_marker_cannot_fake_the_status(transport: HdcTransport) -> None:
    fake = f"{PREFIX}_0123456789abcdef=0"
    result = transport.run(f"echo {fake}; false")
    assert (result.output, result.exit_status) == (f"{fake}\n", 1)


def test_timeout_raises_and_the_server_cancels_the_command(
    transport: HdcTransport, hdc_server: HdcServer
) -> None:
    began = time.monotonic()
    with pytest.raises(TransportTimeout) as caught:
        transport.run("sleep 5", timeout=0.5)
    assert time.monotonic() - began < 2
    assert str(caught.value).startswith("[emu-0001/hdc]")
    assert "0.5 s" in str(caught.value)
    assert wait_for(lambda: hdc_server.active_commands == 0, timeout=2)


def test_unknown_device_names_device_and_transport(make_transport: Callable[[str], HdcTransport]) -> None:
    with pytest.raises(TransportError) as caught:
        make_transport("emu-9999").run("echo hi")
    assert str(caught.value).startswith("[emu-9999/hdc]")
    assert "Not match target founded" in str(caught.value)


def test_unreachable_server_is_a_transport_error(trace: Trace) -> None:
    with socket.socket() as probe:  # a port bound to learn a free number, never listening
        probe.bind(("127.0.0.1", 0))
        transport = HdcTransport(KEY, "127.0.0.1", probe.getsockname()[1], trace, connect_timeout=2)
        with pytest.raises(TransportError, match=r"\[emu-0001/hdc\] shell `echo hi`: .*connection refused"):
            transport.run("echo hi")


def test_push_and_pull_round_trip(transport: HdcTransport, tmp_path: Path, trace: Trace) -> None:
    source = tmp_path / "up.bin"
    source.write_bytes(os.urandom(1_500_000))
    transport.push(source, "/data/local/tmp/up.bin")
    transport.pull("/data/local/tmp/up.bin", tmp_path / "down.bin")
    assert (
        hashlib.sha256((tmp_path / "down.bin").read_bytes()).digest()
        == hashlib.sha256(source.read_bytes()).digest()
    )
    kinds = {record.kind: record for record in trace.records}
    assert kinds["push"].result == {"bytes": 1_500_000}
    assert kinds["pull"].result == {"bytes": 1_500_000}


def test_every_shell_command_is_traced(transport: HdcTransport, trace: Trace) -> None:
    transport.run("echo traced; false")
    record = trace.records[-1]
    assert (record.kind, record.title) == ("shell", "echo traced; false")
    assert record.details == {"device": KEY, "transport": "hdc"}
    assert record.result == {"exitStatus": 1, "output": "traced\n"}
    transport.run("printf '%s' " + "x" * 3000)
    assert trace.records[-1].result["output"] == "…(1000 chars cut)" + "x" * 2000


def test_streams_share_a_forward_and_the_last_close_removes_it(
    transport: HdcTransport, hdc_client: HdcClient, echo_service: int, trace: Trace
) -> None:
    first = transport.open_stream(echo_service)
    second = transport.open_stream(echo_service)
    assert len(transport.forwards()) == 1
    rules = hdc_client.fport_list()
    assert [(r.key, r.local, r.remote) for r in rules] == [
        (KEY, f"tcp:{transport.forwards()[echo_service]}", f"tcp:{echo_service}")
    ]
    for stream, payload in ((first, b"one"), (second, b"two")):
        stream.settimeout(5)
        stream.sendall(payload)
        assert stream.recv(16) == payload
    first.close()
    assert len(hdc_client.fport_list()) == 1
    second.sendall(b"still")
    assert second.recv(16) == b"still"
    second.close()
    second.close()  # idempotent
    assert hdc_client.fport_list() == []
    assert transport.forwards() == {}
    local = rules[0].local
    assert [r.title for r in trace.records if r.kind == "forward"] == [
        f"fport {local} tcp:{echo_service}",
        f"fport rm {local} tcp:{echo_service}",
    ]


def test_close_removes_forwards_with_streams_still_open(
    make_transport: Callable[[str], HdcTransport], hdc_client: HdcClient, echo_service: int
) -> None:
    transport = make_transport(KEY)
    stream = transport.open_stream(echo_service)
    transport.close()
    assert hdc_client.fport_list() == []
    with pytest.raises(TransportError, match=r"\[emu-0001/hdc\] send on device port"):
        stream.sendall(b"x")
    stream.close()  # does not touch the ledger again


def test_close_reports_a_forward_that_survives(
    make_transport: Callable[[str], HdcTransport], hdc_client: HdcClient, echo_service: int
) -> None:
    transport = make_transport(KEY)
    stream = transport.open_stream(echo_service)
    local = transport.forwards()[echo_service]
    stream.close()  # removes the forward ...
    hdc_client.fport(KEY, f"tcp:{local}", f"tcp:{echo_service}")  # ... which someone re-creates
    with pytest.raises(
        InfrastructureError, match=rf"forwards still present after close: tcp:{local} tcp:{echo_service}"
    ):
        transport.close()
    hdc_client.fport_remove(KEY, f"tcp:{local}", f"tcp:{echo_service}")


def test_stream_to_a_port_nobody_listens_on_ends_at_once(transport: HdcTransport) -> None:
    stream = transport.open_stream(17999)
    stream.settimeout(5)
    assert stream.recv(1) == b""
    stream.close()


def test_hilog_stream_receives_lines_as_they_are_written(
    transport: HdcTransport, device: EmulatedDevice, hdc_server: HdcServer
) -> None:
    running = transport.start("hilog")
    seen = b""
    deadline = time.monotonic() + 5
    while b"hello from the test" not in seen and time.monotonic() < deadline:
        device.hilog.write("HilTest", "hello from the test")  # until the stream is subscribed
        try:
            seen += running.read(0.2)
        except TransportTimeout:
            continue
    assert b"I C01600/HilTest: hello from the test" in seen
    assert hdc_server.active_commands == 1
    running.stop()
    assert running.read(1) == b""
    assert wait_for(lambda: hdc_server.active_commands == 0, timeout=3)


def test_finished_stream_reads_empty(transport: HdcTransport) -> None:
    running = transport.start("echo done")
    assert running.read(5) == b"done\n"
    assert running.read(5) == b""
