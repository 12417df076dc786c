"""The emulated hdc server over real sockets, byte for byte (docs/hdc-protocol.md §1, §2)."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import socket
import struct
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from waiting import wait_for

from harness.errors import TransportError
from harness.hdc import ForwardRefused, HdcClient
from ohos_emulator.device import EmulatedDevice
from ohos_emulator.fronts.hdc_server import HdcServer
from ohos_protocol import hdc_wire as wire

KEY = "emu-0001"


class Raw:
    """A hand-driven client connection, for checking exact bytes and feeding bad ones."""

    def __init__(self, server: HdcServer, timeout: float = 5.0) -> None:
        self.sock = socket.create_connection(server.address, timeout=timeout)

    def hello(self) -> bytes:
        frame = wire.read_frame(self.sock)
        assert frame is not None
        return frame

    def handshake(self, key: str = "", tag: int | None = None) -> wire.ServerHello:
        hello = wire.ServerHello.decode(self.hello())
        banner = bytearray(hello.banner)
        if tag is not None:
            banner[wire.FEATURE_TAG_OFFSET] = tag
        self.send(wire.ClientHello(bytes(banner), key).encode())
        return hello

    def send(self, payload: bytes) -> None:
        self.sock.sendall(wire.encode_frame(payload))

    def command(self, key: str, line: str) -> list[bytes]:
        self.handshake(key)
        self.send(line.encode() + b"\0")
        return self.frames()

    def frame(self) -> bytes | None:
        return wire.read_frame(self.sock)

    def frames(self) -> list[bytes]:
        """Every frame up to the server closing the connection."""
        frames = []
        while (frame := self.frame()) is not None:
            frames.append(frame)
        return frames

    def read_until(self, text: bytes, timeout: float = 5.0) -> bytes:
        """Frames concatenated until ``text`` appears in them."""
        seen = b""
        deadline = time.monotonic() + timeout
        while text not in seen:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            frame = self.frame()
            assert frame is not None, f"closed before {text!r}; got {seen!r}"
            seen += frame
        return seen

    def closed_by_server(self, timeout: float = 5.0) -> bool:
        """True once the server closed the connection (all it sends before is discarded)."""
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            self.sock.settimeout(remaining)
            try:
                if not self.sock.recv(65536):
                    return True
            except TimeoutError:
                return False
            except ConnectionResetError:
                return True
        return False

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def raw(hdc_server: HdcServer) -> Callable[[], Raw]:
    opened: list[Raw] = []

    def connect() -> Raw:
        opened.append(Raw(hdc_server))
        return opened[-1]

    yield connect
    for connection in opened:
        connection.close()


# -- handshake and target selection ----------------------------------------------------------------


def test_server_speaks_first_with_a_44_byte_handshake(raw: Callable[[], Raw]) -> None:
    first, second = raw().hello(), raw().hello()
    assert len(first) == 44
    assert first[:12] == b"OHOS HDC\0\0\0H"
    assert first[16:] == bytes(28)
    assert first[12:16] != second[12:16]  # random channel ids


def test_108_byte_reply_is_accepted(raw: Callable[[], Raw]) -> None:
    connection = raw()
    banner = connection.hello()[:12]
    connection.send(wire.ClientHello(banner, "", b"Ver: 3.2.0f").encode())
    connection.send(b"list targets")
    assert connection.frames() == [b"emu-0001\n"]


def test_list_targets_plain_and_verbose(make_device, make_hdc_server) -> None:
    server = make_hdc_server([make_device("emu-0002"), make_device("emu-0001")])
    raw = Raw(server)
    assert raw.command("", "list targets") == [b"emu-0001\nemu-0002\n"]
    verbose = Raw(server).command("", "list targets -v")
    assert verbose == [
        b"emu-0001\t\tTCP\tConnected\tohos-hil-emulator\nemu-0002\t\tTCP\tConnected\tohos-hil-emulator\n"
    ]


def test_list_targets_empty(make_hdc_server) -> None:
    assert Raw(make_hdc_server([])).command("", "list targets") == [b"[Empty]\r\n"]


def test_checkserver_is_a_binary_frame(raw: Callable[[], Raw]) -> None:
    assert raw().command("", "checkserver") == [b"\x0d\x00Ver: 3.2.0f"]


def test_unknown_key_fails_right_after_the_handshake(raw: Callable[[], Raw], caplog) -> None:
    connection = raw()
    with caplog.at_level(logging.WARNING):
        connection.handshake("emu-9999")
        assert connection.frames() == [b"[Fail]Not match target founded, check connect-key please\r\n"]
    assert "unknown connect key 'emu-9999'" in caplog.text


def test_any_with_one_device_reaches_it(raw: Callable[[], Raw]) -> None:
    assert raw().command("any", "shell param get ohos.boot.sn") == [b"emu-0001\n"]


def test_any_with_two_devices_needs_a_key(make_device, make_hdc_server) -> None:
    server = make_hdc_server([make_device("emu-0001"), make_device("emu-0002")])
    assert Raw(server).command("any", "shell echo hi") == [
        b"[Fail]ExecuteCommand need connect-key? please confirm a device by help info\r\n"
    ]
    assert Raw(server).command("emu-0002", "shell param get ohos.boot.sn") == [b"emu-0002\n"]
    assert Raw(server).command("emu-0001", "shell param get ohos.boot.sn") == [b"emu-0001\n"]


def test_device_command_without_key(raw: Callable[[], Raw]) -> None:
    assert raw().command("", "shell echo hi") == [
        b"[Fail]ExecuteCommand need connect-key? please confirm a device by help info\r\n"
    ]


def test_alive_keeps_the_channel_for_server_local_commands(raw: Callable[[], Raw]) -> None:
    connection = raw()
    connection.handshake("")
    connection.send(b"alive")
    for _ in range(3):
        connection.send(b"list targets")
        assert connection.frame() == b"emu-0001\n"
    connection.send(b"checkserver\0")
    assert connection.frame() == b"\x0d\x00Ver: 3.2.0f"


def test_wait_answers_at_once_when_a_target_is_connected(raw: Callable[[], Raw]) -> None:
    assert raw().command("", "wait") == [b"Wait for connected target is emu-0001\r\n"]
    connection = raw()
    connection.handshake(KEY, tag=wire.WAIT_TAG)
    connection.send(b"wait\0")
    assert connection.frames() == [b"Wait for connected target is emu-0001\r\n"]


def test_wait_without_targets_keeps_the_channel_for_retries(make_hdc_server) -> None:
    connection = Raw(make_hdc_server([]))
    connection.handshake("")
    for _ in range(2):
        connection.send(b"wait\0")
        assert connection.frame() == b"[Fail]No any connected target\r\n"


@pytest.mark.parametrize(
    ("line", "reply"),
    [
        ("tconn 127.0.0.1:5555", b"[Fail]Connect failed"),
        ("bogus", b"[Fail]Unknown command...\r\n"),
        ("fport foo:1 tcp:2", b"[Fail]Incorrect forward command\r\n"),
        ("fport tcp:99999 tcp:2", b"[Fail]Forward parament failed\r\n"),
        ("fport rm tcp:1 tcp:2", b"[Fail]Remove forward ruler failed, ruler is not exist tcp:1 tcp:2\r\n"),
        ("fport ls", b"[Empty]\r\n"),
    ],
)
def test_server_messages(raw: Callable[[], Raw], line: str, reply: bytes) -> None:
    frames = raw().command(KEY, line)
    assert len(frames) == 1
    assert frames[0].startswith(reply)


# -- shell ------------------------------------------------------------------------------------------


def test_shell_output_streams_while_the_command_runs_and_a_vanished_client_cancels_it(
    raw: Callable[[], Raw], hdc_server: HdcServer, caplog
) -> None:
    connection = raw()
    connection.handshake(KEY)
    connection.send(b"shell echo started; sleep 30; echo never\0")
    assert connection.read_until(b"started\n") == b"started\n"
    assert hdc_server.active_commands == 1
    with caplog.at_level(logging.INFO):
        connection.close()
        assert wait_for(lambda: hdc_server.active_commands == 0, timeout=3)
    assert "cancelled" in caplog.text


def test_shell_sends_no_empty_frames(raw: Callable[[], Raw]) -> None:
    assert raw().command(KEY, "shell true") == []
    assert raw().command(KEY, "shell printf ''") == []


def test_shell_merges_stderr_and_ends_with_close(raw: Callable[[], Raw]) -> None:
    output = b"".join(raw().command(KEY, "shell echo out; nosuchcmd; echo after"))
    assert output == b"out\nsh: nosuchcmd: not found\nafter\n"


def test_shell_command_with_trailing_newline_as_hdctool_sends_it(raw: Callable[[], Raw]) -> None:
    connection = raw()
    connection.handshake(KEY)
    connection.send(b"shell echo ready\n")
    assert connection.frames() == [b"ready\n"]


def test_interactive_shell(raw: Callable[[], Raw]) -> None:
    connection = raw()
    connection.handshake(KEY)
    connection.send(b"shell\0")
    assert connection.read_until(b"# ") == b"# "
    connection.send(b"ecjo\x7f\x7fho hi")
    connection.send(b"\r")
    assert connection.read_until(b"hi\r\n# ") == b"ecjo\b \b\b \bho hi\r\nhi\r\n# "
    connection.send(b"cd /data; pwd\r")
    assert connection.read_until(b"/data\r\n# ").endswith(b"/data\r\n# ")
    connection.send(b"pwd\r")  # the session keeps its working directory across lines
    assert connection.read_until(b"# ").endswith(b"/data\r\n# ")
    connection.send(b"sleep 30\r")
    connection.read_until(b"sleep 30\r\n")
    connection.send(b"\x03")
    assert connection.read_until(b"# ", timeout=3).endswith(b"^C\r\n# ")
    connection.send(b"exit\r")
    assert b"".join(connection.frames()) == b"exit\r\n"


def test_interactive_shell_ends_when_the_client_leaves(raw: Callable[[], Raw], hdc_server) -> None:
    connection = raw()
    connection.handshake(KEY)
    connection.send(b"shell\0")
    connection.read_until(b"# ")
    connection.send(b"sleep 30\r")
    connection.read_until(b"sleep 30\r\n")
    connection.close()
    assert wait_for(lambda: not [t for t in threading.enumerate() if t.name == "terminal"], timeout=3)


# -- bad input: each ends only its own connection ---------------------------------------------------


def _good_client_works(client: HdcClient) -> None:
    assert client.list_targets() == [KEY]
    assert client.shell(KEY, "echo still serving") == b"still serving\n"


BAD_INPUTS: dict[str, Callable[[Raw], None]] = {
    "garbage instead of the handshake": lambda c: (c.hello(), c.sock.sendall(b"GET / HTTP/1.1\r\n\r\n")),
    "garbage before the handshake": lambda c: c.sock.sendall(b"\x00\x00\x00\x05hello"),
    "handshake shorter than the banner": lambda c: (c.hello(), c.send(b"OHOS HDC")),
    "connect key over 32 bytes": lambda c: (c.hello(), c.send(wire.server_banner() + b"k" * 40)),
    "handshake over 1 KiB": lambda c: (c.hello(), c.sock.sendall(struct.pack(">I", 1025))),
    "zero-length frame": lambda c: (c.handshake(KEY), c.sock.sendall(b"\0\0\0\0")),
    "length over 16 MiB": lambda c: (c.handshake(KEY), c.sock.sendall(struct.pack(">I", 16 * 2**20 + 1))),
    "truncated frame": lambda c: (
        c.handshake(KEY),
        c.sock.sendall(struct.pack(">I", 100) + b"shell echo"),
        c.sock.shutdown(socket.SHUT_WR),
    ),
    "garbage transfer frame": lambda c: (
        c.handshake(KEY),
        c.send(b'file send remote -cwd "/tmp/" a /data/local/tmp/a\0'),
        c.frame(),
        c.send(b"\xb9\x0b\x2a\x40short"),
    ),
}


@pytest.mark.parametrize("bad", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_ends_only_that_connection(
    raw: Callable[[], Raw], hdc_client: HdcClient, bad: Callable[[Raw], None], caplog
) -> None:
    connection = raw()
    with caplog.at_level(logging.INFO):
        bad(connection)
        _good_client_works(hdc_client)  # while the bad connection is being dealt with
        assert connection.closed_by_server()
    _good_client_works(hdc_client)
    assert re.search(r"bad input|truncated|closed after", caplog.text)


@pytest.mark.parametrize("stall", ["before the handshake reply", "in the middle of a frame"])
def test_idle_clients_are_closed_after_the_idle_timeout(
    make_hdc_server, device: EmulatedDevice, stall: str, caplog
) -> None:
    server = make_hdc_server([device], idle_timeout=0.5)
    connection = Raw(server)
    connection.hello()
    if stall == "in the middle of a frame":
        connection.sock.sendall(struct.pack(">I", 44) + b"OHOS")
    client = HdcClient(*server.address, timeout=5)
    with caplog.at_level(logging.WARNING):
        _good_client_works(client)
        assert connection.closed_by_server(timeout=5)
    assert "idle for 0.5 s; closing" in caplog.text
    _good_client_works(client)


# -- port forwards ----------------------------------------------------------------------------------


def _round_trip(port: int, payload: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(payload)
        got = b""
        while len(got) < len(payload):
            chunk = sock.recv(65536)
            assert chunk, "relay closed early"
            got += chunk
        return got


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_fport_relays_to_a_device_port(hdc_client: HdcClient, echo_service: int, raw) -> None:
    local = _free_port()
    frames = raw().command(KEY, f"fport tcp:{local} tcp:{echo_service}")
    assert frames == [b"Forwardport result:OK\r\n"]
    assert hdc_client.fport_list()[0].key == KEY
    assert raw().command("", "fport ls") == [
        f"{KEY}    tcp:{local} tcp:{echo_service}    [Forward]\n".encode()
    ]
    payload = os.urandom(300_000)
    results: list[bytes] = []
    workers = [threading.Thread(target=lambda: results.append(_round_trip(local, payload))) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(10)
    assert results == [payload] * 4


def test_fport_to_a_port_nobody_listens_on_closes_the_connection(hdc_client: HdcClient) -> None:
    local = _free_port()
    hdc_client.fport(KEY, f"tcp:{local}", "tcp:17999")
    with socket.create_connection(("127.0.0.1", local), timeout=5) as sock:
        assert sock.recv(1) == b""


def test_fport_rm_closes_the_listener_and_open_relays(hdc_client: HdcClient, echo_service: int, raw) -> None:
    local = _free_port()
    hdc_client.fport(KEY, f"tcp:{local}", f"tcp:{echo_service}")
    relay = socket.create_connection(("127.0.0.1", local), timeout=5)
    with relay:
        relay.sendall(b"ping")
        assert relay.recv(4) == b"ping"
        assert raw().command("", f"fport rm tcp:{local} tcp:{echo_service}") == [
            f"Remove forward ruler success, ruler:tcp:{local} tcp:{echo_service}\r\n".encode()
        ]
        assert relay.recv(4) == b""
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", local), timeout=5)
    assert hdc_client.fport_list() == []


def test_fport_on_a_local_port_in_use_fails(hdc_client: HdcClient, echo_service: int) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        with pytest.raises(ForwardRefused, match=rf"\[Fail\]TCP Port listen failed at {port}"):
            hdc_client.fport(KEY, f"tcp:{port}", f"tcp:{echo_service}")


# -- file transfer ----------------------------------------------------------------------------------


def test_file_send_plays_the_client_master_sequence(raw, device: EmulatedDevice) -> None:
    connection = raw()
    connection.handshake(KEY)
    connection.send(b'file send remote -cwd "/cwd/" local.txt /data/local/tmp/x.txt\0')
    assert connection.frame() == b'\xb8\x0b-cwd "/cwd/" local.txt /data/local/tmp/x.txt'
    connection.send(b"\x0c\x00")
    config = wire.TransferConfig(file_size=6, path="/data/local/tmp/x.txt", optional_name="local.txt")
    connection.send(wire.command_frame(wire.Command.FILE_CHECK, config.encode()))
    assert connection.frame() == b"\xba\x0b\x05\x00\x00\x00\x00\x00\x00\x00"
    connection.send(wire.data_frame(0, b"hel"))
    connection.send(wire.data_frame(3, b"lo\n"))
    assert connection.frame() == b"\xbc\x0b\x01"
    connection.send(b"\xbc\x0b\x00")
    summary = connection.frames()
    assert len(summary) == 1
    assert re.fullmatch(
        rb"FileTransfer finish, Size:6, File count = 1, time:\d+ms rate:\d+\.\d\dkB/s\r\n", summary[0]
    )
    assert device.fs.read_bytes("/data/local/tmp/x.txt") == b"hello\n"


def test_a_file_send_cut_off_halfway_leaves_nothing_behind(raw, device: EmulatedDevice) -> None:
    connection = raw()
    connection.handshake(KEY)
    connection.send(b'file send remote -cwd "/cwd/" big.bin /data/local/tmp/big.bin\0')
    connection.frame()
    connection.send(b"\x0c\x00")
    config = wire.TransferConfig(file_size=1_000_000, path="/data/local/tmp/big.bin", optional_name="big.bin")
    connection.send(wire.command_frame(wire.Command.FILE_CHECK, config.encode()))
    connection.frame()
    used = device.fs.usage().used
    connection.send(wire.data_frame(0, b"x" * 300_000))
    connection.close()  # the client dies with 700 000 bytes still to come
    assert wait_for(lambda: device.fs.listdir("/data/local/tmp") == [] and device.fs.usage().used == used)


def test_file_recv_plays_the_client_slave_sequence(raw, device: EmulatedDevice) -> None:
    device.fs.write_bytes("/data/x.txt", b"hello\n")
    connection = raw()
    connection.handshake(KEY)
    connection.send(b'file recv remote -cwd "/cwd/" /data/x.txt ./y.txt\0')
    code, rest = wire.split_command(connection.frame())
    assert code == wire.Command.FILE_CHECK
    config = wire.TransferConfig.decode(rest)
    assert (config.file_size, config.path, config.optional_name, config.client_cwd) == (
        6,
        "./y.txt",
        "x.txt",
        "/cwd/",
    )
    connection.send(b"\xba\x0b" + wire.FEATURE_FLAGS)
    code, rest = wire.split_command(connection.frame())
    assert code == wire.Command.FILE_DATA
    assert wire.TransferPayload.decode_header(rest) == wire.TransferPayload(0, 0, 6, 6)
    assert rest[64:] == b"hello\n"
    connection.send(b"\xbc\x0b\x01")
    assert connection.frame() == b"\xbc\x0b\x00"
    connection.send(b"\x02\x00\x01")
    assert connection.frames() == []


def test_file_round_trip_of_a_few_megabytes(hdc_client: HdcClient, tmp_path: Path) -> None:
    source = tmp_path / "photo.bin"
    source.write_bytes(os.urandom(5 * 1024 * 1024 + 17))
    assert hdc_client.file_send(KEY, source, "/data/local/tmp/") == source.stat().st_size
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    assert hdc_client.shell(KEY, "sha256sum /data/local/tmp/photo.bin").split()[0].decode() == digest
    back = tmp_path / "back.bin"
    assert hdc_client.file_recv(KEY, "/data/local/tmp/photo.bin", back) == source.stat().st_size
    assert hashlib.sha256(back.read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["back.bin", "emu-0001", "photo.bin"]


def test_legacy_file_forms_move_files_through_host_paths(raw, device: EmulatedDevice, tmp_path: Path) -> None:
    (tmp_path / "up.txt").write_bytes(b"legacy\n")
    frames = raw().command(KEY, f"file send {tmp_path / 'up.txt'} /data/local/tmp/up.txt")
    assert frames[0].startswith(b"FileTransfer finish, Size:7, File count = 1")
    assert device.fs.read_bytes("/data/local/tmp/up.txt") == b"legacy\n"
    frames = raw().command(KEY, f"file recv -a /data/local/tmp/up.txt {tmp_path / 'down.txt'}")
    assert frames[0].startswith(b"FileTransfer finish, Size:7")
    assert (tmp_path / "down.txt").read_bytes() == b"legacy\n"


def test_legacy_forms_reach_only_the_allowed_host_folders(
    make_hdc_server: Callable[..., HdcServer], device: EmulatedDevice, tmp_path: Path
) -> None:
    allowed, outside = tmp_path / "allowed", tmp_path / "outside"
    allowed.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text("host secret\n")
    (outside / "secret.hap").write_bytes(b"PK\3\4")
    (allowed / "escape").symlink_to(outside)
    device.fs.write_bytes("/data/local/tmp/up.txt", b"device\n")
    server = make_hdc_server([device], host_files=[allowed])

    def command(line: str) -> list[bytes]:
        return Raw(server).command(KEY, line)

    for named in (
        outside / "secret.txt",
        allowed / "escape" / "secret.txt",
        allowed / ".." / "outside/secret.txt",
    ):
        assert command(f"file send {named} /data/local/tmp/x") == [
            f"[Fail]Error opening file: no such file or directory, path:{named}\r\n".encode()
        ]
        assert command(f"install {named.with_suffix('.hap')}")[0].startswith(
            b"[Fail]Error opening file: no such file or directory"
        )
    for named in (outside / "down.txt", allowed / "escape" / "down.txt", outside):
        assert command(f"file recv /data/local/tmp/up.txt {named}") == [
            f"[Fail]Error opening file: no such file or directory, path:{named}\r\n".encode()
        ]
    assert sorted(p.name for p in outside.iterdir()) == ["secret.hap", "secret.txt"]
    assert not device.fs.exists("/data/local/tmp/x")
    assert command(f"file recv /data/local/tmp/up.txt {allowed}")[0].startswith(
        b"FileTransfer finish, Size:7"
    )
    assert (allowed / "up.txt").read_bytes() == b"device\n"


def test_file_errors_are_clear(hdc_client: HdcClient, tmp_path: Path) -> None:
    with pytest.raises(
        TransportError, match=r"\[Fail\]Error opening file: no such file or directory, path:/data/nope"
    ):
        hdc_client.file_recv(KEY, "/data/nope", tmp_path / "nope")
    assert not list(tmp_path.glob("*nope*"))
    (tmp_path / "a.txt").write_text("a")
    with pytest.raises(TransportError, match=r"no such file or directory, path:/data/no/such/dir/a.txt"):
        hdc_client.file_send(KEY, tmp_path / "a.txt", "/data/no/such/dir/a.txt")


def test_push_into_a_full_data_partition(
    hdc_client: HdcClient, device: EmulatedDevice, tmp_path: Path
) -> None:
    used = device.fs.usage().used
    device.set_data_capacity(used + 300_000)
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(2 * 1024 * 1024))
    with pytest.raises(TransportError) as caught:
        hdc_client.file_send(KEY, source, "/data/local/tmp/big.bin")
    assert re.search(
        r"\[Fail\]Transfer Stop at:\d+/2097152\(Bytes\), Reason: no space left on device", str(caught.value)
    )
    assert str(caught.value).startswith("[emu-0001/hdc]")
    assert hdc_client.shell(KEY, "ls -a /data/local/tmp") == b""
    assert device.fs.usage().used == used
    device.set_data_capacity(used + 4 * 1024 * 1024)
    assert hdc_client.file_send(KEY, source, "/data/local/tmp/big.bin") == 2 * 1024 * 1024


# -- lifecycle --------------------------------------------------------------------------------------


def test_close_cancels_commands_closes_sockets_and_joins_threads(
    hdc_server: HdcServer, hdc_client: HdcClient, echo_service: int
) -> None:
    server = hdc_server
    shell = Raw(server)
    shell.handshake(KEY)
    shell.send(b"shell sleep 30\0")
    local = _free_port()
    hdc_client.fport(KEY, f"tcp:{local}", f"tcp:{echo_service}")
    relay = socket.create_connection(("127.0.0.1", local), timeout=5)
    relay.sendall(b"x")
    assert relay.recv(1) == b"x"
    assert wait_for(lambda: server.active_commands == 1)
    began = time.monotonic()
    server.close()
    assert time.monotonic() - began < 3
    assert shell.closed_by_server(timeout=1)
    with relay:
        relay.settimeout(1)
        assert relay.recv(1) == b""
    names = [t.name for t in threading.enumerate()]
    assert not [n for n in names if n.startswith(("hdc-", "fport-", "terminal"))], names


def test_the_client_reads_the_server_version(hdc_client: HdcClient) -> None:
    assert hdc_client.check_server() == "Ver: 3.2.0f"
