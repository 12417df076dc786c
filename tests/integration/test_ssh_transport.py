"""SshTransport against the emulated device's SSH server, over real sockets."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from waiting import wait_for

from harness.errors import ConnectionLost, TransportError, TransportTimeout
from harness.trace import Trace
from harness.transport.base import Transport
from harness.transport.ssh import SshTransport
from ohos_emulator.device import EmulatedDevice
from ohos_emulator.fronts.ssh_keys import SshKeyFiles, ensure_keys, known_hosts_line
from ohos_emulator.fronts.ssh_server import SshServer

DEVICE = "emu-0001"
TMP = "/data/local/tmp"


@pytest.fixture
def trace() -> Trace:
    return Trace()


@pytest.fixture
def make_transport(
    ssh_server: SshServer, ssh_keys: SshKeyFiles, trace: Trace
) -> Iterator[Callable[..., SshTransport]]:
    made: list[SshTransport] = []

    def make(**options: object) -> SshTransport:
        host, port = ssh_server.address
        settings: dict = {
            "host": host,
            "port": port,
            "user": "root",
            "key_file": ssh_keys.client_key,
            "known_hosts": ssh_keys.known_hosts,
            "device_id": DEVICE,
            "trace": trace,
            "connect_timeout": 5.0,
            **options,
        }
        transport = SshTransport(**settings)
        made.append(transport)
        return transport

    yield make
    for transport in made:
        transport.close()


@pytest.fixture
def transport(make_transport: Callable[..., SshTransport]) -> SshTransport:
    return make_transport()


def device_files(device: EmulatedDevice, directory: str = TMP) -> list[str]:
    return device.fs.listdir(directory)


def test_it_is_a_transport(transport: SshTransport) -> None:
    typed: Transport = transport
    assert (typed.name, typed.device_id) == ("ssh", DEVICE)


@pytest.mark.parametrize(
    ("command", "status", "output", "stderr"),
    [
        ("echo hi", 0, "hi\n", ""),
        ("false", 1, "", ""),
        ("nosuchcmd", 127, "", "sh: nosuchcmd: not found\n"),
        ("sh -c 'exit 7'", 7, "", ""),
        ("echo out; cat /data/nope", 1, "out\n", "cat: /data/nope: No such file or directory\n"),
    ],
)
def test_run_reports_exit_status_and_separate_streams(
    transport: SshTransport, command: str, status: int, output: str, stderr: str
) -> None:
    result = transport.run(command)
    assert (result.exit_status, result.output, result.stderr) == (status, output, stderr)


def test_runs_are_traced(transport: SshTransport, trace: Trace) -> None:
    mark = trace.mark()
    transport.run("echo traced; false")
    [record] = trace.since(mark)
    assert (record.kind, record.title) == ("shell", "echo traced; false")
    assert record.details == {"device": DEVICE, "transport": "ssh"}
    assert record.result == {"exitStatus": 1, "output": "traced\n", "stderr": ""}


def test_a_wrong_host_key_is_refused_before_anything_runs(
    make_transport: Callable[..., SshTransport], ssh_server: SshServer, device: EmulatedDevice, tmp_path: Path
) -> None:
    impostor = ensure_keys(tmp_path / "impostor").load_host_key()
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text(known_hosts_line(*ssh_server.address, impostor) + "\n")
    transport = make_transport(known_hosts=known_hosts)
    with pytest.raises(TransportError) as refused:
        transport.run(f"touch {TMP}/ran")
    message = str(refused.value)
    assert f"[{DEVICE}/ssh]" in message
    assert "WRONG host key" in message
    assert impostor.fingerprint in message
    assert not device.fs.exists(f"{TMP}/ran")


def test_an_unknown_host_is_refused(
    make_transport: Callable[..., SshTransport], ssh_keys: SshKeyFiles, tmp_path: Path
) -> None:
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text(known_hosts_line("127.0.0.1", 1, ssh_keys.load_host_key()) + "\n")  # another port
    with pytest.raises(TransportError, match=r"\[emu-0001/ssh\] unknown host key"):
        make_transport(known_hosts=known_hosts).run("true")
    with pytest.raises(TransportError, match="does not exist"):
        make_transport(known_hosts=tmp_path / "missing").run("true")


def test_unchecked_host_key_works_and_warns(
    make_transport: Callable[..., SshTransport], caplog: pytest.LogCaptureFixture
) -> None:
    transport = make_transport(known_hosts=None, check_host_key=False)
    with caplog.at_level(logging.WARNING, logger="harness.transport.ssh"):
        assert transport.run("echo unchecked").output == "unchecked\n"
        assert transport.run("echo again").output == "again\n"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "NOT checked" in r.getMessage()]
    assert len(warnings) == 1  # once per connection


def test_a_key_the_device_does_not_accept(
    make_transport: Callable[..., SshTransport], tmp_path: Path
) -> None:
    stranger = ensure_keys(tmp_path / "stranger").client_key
    with pytest.raises(TransportError, match="did not accept key"):
        make_transport(key_file=stranger).run("true")


def test_a_user_other_than_root_is_refused(make_transport: Callable[..., SshTransport]) -> None:
    with pytest.raises(TransportError, match=r"did not accept key .* for user 'shell'"):
        make_transport(user="shell").run("true")


@pytest.mark.parametrize("greeting", [b"", b"HTTP/1.1 400 Bad Request\r\n\r\n" + bytes(range(256))])
def test_a_port_that_does_not_speak_ssh_is_an_error_not_a_hang(
    make_transport: Callable[..., SshTransport], greeting: bytes
) -> None:
    """A silent peer (b"") and one that answers garbage both end in a TransportError in time."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def answer() -> None:
        listener.settimeout(10)
        with contextlib.suppress(OSError):
            conn, _ = listener.accept()
            accepted.append(conn)
            conn.sendall(greeting)

    peer = threading.Thread(target=answer)
    peer.start()
    transport = make_transport(port=listener.getsockname()[1], connect_timeout=1.0)
    started = time.monotonic()
    try:
        with pytest.raises(TransportError, match=r"\[emu-0001/ssh\] run `true`: SSH handshake with"):
            transport.run("true")
    finally:
        peer.join(10)
        for conn in accepted:
            conn.close()
        listener.close()
    assert time.monotonic() - started < 5


def test_nothing_listening_is_a_transport_error(ssh_server: SshServer, transport: SshTransport) -> None:
    ssh_server.close()
    started = time.monotonic()
    with pytest.raises(TransportError, match="cannot connect"):
        transport.run("true")
    assert time.monotonic() - started < 5


def test_timeout_raises_and_the_device_cancels_the_command(
    transport: SshTransport, ssh_server: SshServer
) -> None:
    with pytest.raises(TransportTimeout, match=r"did not finish within 0\.3 s"):
        transport.run("sleep 30", timeout=0.3)
    assert wait_for(lambda: ssh_server.active_commands == 0, timeout=10.0)
    assert transport.run("echo next").output == "next\n"


def test_push_and_pull_round_trip(
    transport: SshTransport, device: EmulatedDevice, tmp_path: Path, trace: Trace
) -> None:
    payload = os.urandom(3 * 1024 * 1024 + 5)
    local = tmp_path / "payload.bin"
    local.write_bytes(payload)
    mark = trace.mark()
    transport.push(local, f"{TMP}/payload.bin")
    assert (
        hashlib.sha256(device.fs.read_bytes(f"{TMP}/payload.bin")).digest()
        == hashlib.sha256(payload).digest()
    )
    transport.pull(f"{TMP}/payload.bin", tmp_path / "back.bin")
    assert (tmp_path / "back.bin").read_bytes() == payload
    assert device_files(device) == ["payload.bin"]
    assert sorted(p.name for p in tmp_path.iterdir() if "part" in p.name) == []
    kinds = [(r.kind, r.result) for r in trace.since(mark)]
    assert kinds == [
        ("push", {"direction": "push", "bytes": len(payload)}),
        ("pull", {"direction": "pull", "bytes": len(payload)}),
    ]


def test_pull_of_a_missing_file_names_it(transport: SshTransport, tmp_path: Path) -> None:
    target = tmp_path / "pulled"
    target.mkdir()
    with pytest.raises(TransportError, match=r"\[emu-0001/ssh\] pull /data/nope -> .*No such file"):
        transport.pull("/data/nope", target / "nope")
    assert list(target.iterdir()) == []
    with pytest.raises(TransportError, match=r"local directory .* does not exist"):
        transport.pull(f"{TMP}", target / "missing" / "file")


@pytest.mark.parametrize(
    ("size", "room"),
    [
        (4 * 1024 * 1024, 1024 * 1024),
        (512 * 1024, 256 * 1024),
    ],  # the small one fails within the write pipeline
)
def test_push_into_a_full_partition_leaves_nothing(
    transport: SshTransport, device: EmulatedDevice, tmp_path: Path, size: int, room: int
) -> None:
    used = device.fs.usage().used
    device.set_data_capacity(used + room)
    local = tmp_path / "big.bin"
    local.write_bytes(os.urandom(size))
    with pytest.raises(
        TransportError, match=rf"push .*big.bin -> {TMP}/big.bin failed: .*No space left on device"
    ):
        transport.push(local, f"{TMP}/big.bin")
    assert device_files(device) == []
    assert device.fs.usage().used == used


def test_push_cut_off_by_the_server_closing_leaves_no_final_file(
    transport: SshTransport, ssh_server: SshServer, device: EmulatedDevice, tmp_path: Path
) -> None:
    local = tmp_path / "big.bin"
    local.write_bytes(os.urandom(64 * 1024 * 1024))

    def part_size() -> int:
        parts = [name for name in device_files(device) if name.startswith("big.bin.part-")]
        return device.fs.stat(f"{TMP}/{parts[0]}").st_size if parts else 0

    closer = threading.Thread(
        target=lambda: wait_for(lambda: part_size() > 1024 * 1024, timeout=10.0) and ssh_server.close()
    )
    closer.start()
    try:
        with pytest.raises(TransportError, match=rf"\[emu-0001/ssh\] push .*big.bin -> {TMP}/big.bin"):
            transport.push(local, f"{TMP}/big.bin")
    finally:
        closer.join(15)
    assert not device.fs.exists(f"{TMP}/big.bin")


def test_pull_cut_off_by_the_server_closing_leaves_no_local_file(
    transport: SshTransport, ssh_server: SshServer, device: EmulatedDevice, tmp_path: Path
) -> None:
    device.fs.write_bytes(f"{TMP}/big.bin", os.urandom(64 * 1024 * 1024))
    target = tmp_path / "pulled"
    target.mkdir()

    def part_size() -> int:
        return sum(p.stat().st_size for p in target.glob(".big.bin.part-*"))

    closer = threading.Thread(
        target=lambda: wait_for(lambda: part_size() > 1024 * 1024, timeout=10.0) and ssh_server.close()
    )
    closer.start()
    try:
        with pytest.raises(TransportError, match=rf"\[emu-0001/ssh\] pull {TMP}/big.bin -> "):
            transport.pull(f"{TMP}/big.bin", target / "big.bin")
    finally:
        closer.join(15)
    assert list(target.iterdir()) == []


def test_reconnects_after_the_server_restarts(
    transport: SshTransport,
    ssh_server: SshServer,
    make_ssh_server: Callable[..., SshServer],
    device: EmulatedDevice,
) -> None:
    assert transport.run("echo before").output == "before\n"
    port = ssh_server.address[1]
    ssh_server.close()
    with pytest.raises(TransportError):
        transport.run("echo while down")
    make_ssh_server(device, port=port)
    assert transport.run("echo after").output == "after\n"


def test_a_command_cut_off_is_not_sent_again(
    transport: SshTransport,
    ssh_server: SshServer,
    make_ssh_server: Callable[..., SshServer],
    device: EmulatedDevice,
) -> None:
    failures: list[BaseException] = []

    def run() -> None:
        try:
            transport.run(f"echo ran >> {TMP}/count; sleep 60")
        except BaseException as exc:
            failures.append(exc)

    runner = threading.Thread(target=run)
    runner.start()
    assert wait_for(
        lambda: device.fs.exists(f"{TMP}/count") and ssh_server.active_commands == 1, timeout=10.0
    )
    port = ssh_server.address[1]
    ssh_server.close()
    runner.join(15)
    assert len(failures) == 1 and isinstance(failures[0], ConnectionLost), failures
    make_ssh_server(device, port=port)
    assert transport.run(f"cat {TMP}/count").output == "ran\n"


def test_open_stream_reaches_a_device_port(transport: SshTransport, echo_service: int, trace: Trace) -> None:
    mark = trace.mark()
    stream = transport.open_stream(echo_service)
    stream.settimeout(5)
    stream.sendall(b"ping\n")
    received = b""
    while len(received) < 5:
        received += stream.recv(100)
    assert received == b"ping\n"
    stream.settimeout(0.2)
    with pytest.raises(TimeoutError):
        stream.recv(100)
    stream.close()
    assert stream.recv(100) == b""
    assert [(r.kind, r.details["port"]) for r in trace.since(mark)] == [("forward", echo_service)]


def test_open_stream_to_a_closed_port_is_refused(transport: SshTransport) -> None:
    with pytest.raises(TransportError, match=r"\[emu-0001/ssh\] open device port 17999: the device refused"):
        transport.open_stream(17999)


def test_start_streams_hilog(transport: SshTransport, device: EmulatedDevice, ssh_server: SshServer) -> None:
    running = transport.start("hilog -T probe")
    seen = b""

    def marker_arrived() -> bool:  # hilog shows entries written after it subscribed: write until one shows
        nonlocal seen
        device.hilog.write("probe", "sync")
        with contextlib.suppress(TransportTimeout):
            seen += running.read(0.05)
        return b"probe: sync" in seen

    assert wait_for(marker_arrived, timeout=10.0)
    for n in range(3):
        device.hilog.write("probe", f"line {n}")
    lines = b""
    while lines.count(b"probe: line") < 3:
        lines += running.read(5)
    assert [line.split(b"probe: ")[1] for line in lines.splitlines()] == [b"line 0", b"line 1", b"line 2"]
    with pytest.raises(TransportTimeout):
        running.read(0.1)
    running.stop()
    assert wait_for(lambda: ssh_server.active_commands == 0, timeout=10.0)
