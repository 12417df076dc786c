"""SerialTransport against the emulated serial console, over a real pty, socket:// and rfc2217://."""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from waiting import wait_for

from harness.errors import ConnectionLost, TransportError, TransportTimeout
from harness.kernel_log import strip_kernel_lines
from harness.shim.client import ShimClient
from harness.shim.values import Callback
from harness.trace import Trace
from harness.transport.serial import SerialTransport
from ohos_emulator.device import EmulatedDevice
from ohos_emulator.fronts.serial import SerialConsole

LOGIN = ("root", "s3cret")
SHIM_PORT = 18620
TOKEN = "serial-test-token-0123456789"
PRINTK = re.compile(r"\[ *\d+\.\d{6}\] ")
ARMORED_401 = re.compile(rb'"code":401[^\n]*\t[0-9a-f]{8}\n')
ENDPOINTS = ["pty", "socket"]


def url_of(console: SerialConsole, endpoint: str) -> str:
    return {"pty": console.pty_path, "socket": console.socket_url, "rfc2217": console.rfc2217_url}[endpoint]


@pytest.fixture
def make_transport() -> Iterator[Callable[..., SerialTransport]]:
    transports: list[SerialTransport] = []

    def make(url: str, **options: object) -> SerialTransport:
        transport = SerialTransport(url, device_id="emu-serial", **options)  # type: ignore[arg-type]
        transports.append(transport)
        return transport

    yield make
    for transport in transports:
        transport.close()


@pytest.fixture(params=ENDPOINTS)
def noisy(
    request: pytest.FixtureRequest,
    make_serial_console: Callable[..., SerialConsole],
    make_transport: Callable[..., SerialTransport],
    device: EmulatedDevice,
) -> SerialTransport:
    """A transport on a console that prints kernel noise, left at the device's console log level."""
    console = make_serial_console(device, kernel_noise=0.3, seed=11)
    return make_transport(url_of(console, request.param), quiet_kernel=False)


@pytest.fixture(params=ENDPOINTS)
def transport(
    request: pytest.FixtureRequest,
    make_serial_console: Callable[..., SerialConsole],
    make_transport: Callable[..., SerialTransport],
    device: EmulatedDevice,
) -> SerialTransport:
    console = make_serial_console(device, kernel_noise=0.1, seed=5)
    return make_transport(url_of(console, request.param))


# -- commands ------------------------------------------------------------------------------------------


def test_exit_statuses(transport: SerialTransport) -> None:
    assert transport.run("true").exit_status == 0
    assert transport.run("false").exit_status == 1
    missing = transport.run("no-such-command")
    assert missing.exit_status == 127
    assert "not found" in missing.output
    assert transport.run("sh -c 'exit 7'").exit_status == 7
    assert transport.run("exit 7").exit_status == 7  # each command has a shell of its own
    assert transport.run("echo -n no newline").output == "no newline"
    assert transport.run("echo 'it'\"'\"'s'; echo \"$((1))\" # a comment").output.startswith("it's\n")


def test_connect_lowers_the_console_log_level(transport: SerialTransport, device: EmulatedDevice) -> None:
    transport.connect()
    assert transport.kernel_quieted is True
    assert device.kmsg.console_level == 1
    records = [r for r in transport.trace.records if r.title.startswith("open console")]
    assert records[0].result["kernelQuieted"] is True


def test_output_is_intact_with_kernel_noise(noisy: SerialTransport) -> None:
    script = "".join(f"numbered line {n:03d}\\n" for n in range(200))
    result = noisy.run(f"printf '{script}'")
    assert result.exit_status == 0
    assert result.output.splitlines() == [f"numbered line {n:03d}" for n in range(200)]
    log = noisy.console_since(0)
    assert PRINTK.search(log), "the console did print kernel messages meanwhile"
    mid_line = [row for row in log.splitlines() if re.search(r"numbered line \d*\[ *\d+\.\d{6}\]", row)]
    assert mid_line, "some were printed in the middle of an output line"
    assert noisy.kernel_quieted is None


def test_login(
    make_serial_console: Callable[..., SerialConsole],
    make_transport: Callable[..., SerialTransport],
    device: EmulatedDevice,
) -> None:
    console = make_serial_console(device, login=LOGIN)
    assert make_transport(console.socket_url, login=LOGIN).run("whoami").output == "root\n"


def test_wrong_or_missing_login_is_a_clear_error(
    make_serial_console: Callable[..., SerialConsole],
    make_transport: Callable[..., SerialTransport],
    device: EmulatedDevice,
) -> None:
    console = make_serial_console(device, login=LOGIN)
    with pytest.raises(
        TransportError, match=r"\[emu-serial/serial\] login as 'root' refused.*Login incorrect"
    ):
        make_transport(console.pty_path, login=("root", "nope")).connect()
    with pytest.raises(TransportError, match="asks for a login and none was given"):
        make_transport(console.socket_url).connect()


def test_timeout_interrupts_and_the_next_command_works(transport: SerialTransport) -> None:
    started = time.monotonic()
    with pytest.raises(TransportTimeout, match="sleep 30"):
        transport.run("sleep 30", timeout=0.5)
    assert time.monotonic() - started < 3
    assert transport.run("echo after").output == "after\n"


def test_commands_the_console_cannot_carry(transport: SerialTransport) -> None:
    with pytest.raises(TransportError, match="one line of printable text"):
        transport.run("echo a\necho b")
    with pytest.raises(TransportError, match="a console line holds 4095"):
        transport.run("echo " + "x" * 5000)
    assert transport.run("echo fine").output == "fine\n"


def test_rfc2217(
    make_serial_console: Callable[..., SerialConsole],
    make_transport: Callable[..., SerialTransport],
    device: EmulatedDevice,
) -> None:
    console = make_serial_console(device, login=LOGIN)
    transport = make_transport(url_of(console, "rfc2217"), login=LOGIN)
    assert transport.run("echo over telnet").output == "over telnet\n"


# -- bad lines -------------------------------------------------------------------------------------


def test_a_path_that_does_not_exist_fails_at_once(make_transport: Callable[..., SerialTransport]) -> None:
    transport = make_transport("/dev/ttyUSB-does-not-exist")
    started = time.monotonic()
    with pytest.raises(
        TransportError, match=r"\[emu-serial/serial\] cannot open serial line /dev/ttyUSB-does"
    ):
        transport.run("true")
    assert time.monotonic() - started < 1


@pytest.fixture
def garbage_line() -> Iterator[str]:
    """A socket:// line that prints random bytes forever and ignores what it is sent."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    stop = threading.Event()

    def serve() -> None:
        noise = random.Random(1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                while not stop.is_set():
                    try:
                        conn.sendall(bytes(noise.randrange(256) for _ in range(512)))
                    except OSError:
                        break
                    stop.wait(0.01)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"socket://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(5)
    listener.close()


def test_a_line_printing_garbage_fails_within_the_deadline(
    garbage_line: str, make_transport: Callable[..., SerialTransport]
) -> None:
    transport = make_transport(garbage_line, connect_timeout=2.0)
    started = time.monotonic()
    with pytest.raises(
        TransportError, match=r"\[emu-serial/serial\] .*(no shell prompt|did not answer)"
    ) as caught:
        transport.connect()
    assert time.monotonic() - started < 4
    assert "printed:" in str(caught.value)


# -- files -----------------------------------------------------------------------------------------


def test_push_and_pull_200_kb(noisy: SerialTransport, tmp_path: Path) -> None:
    data = random.Random(2).randbytes(200 * 1024 + 17)
    host = tmp_path / "host"
    host.mkdir()
    source = host / "source.bin"
    source.write_bytes(data)
    noisy.push(source, "/data/local/tmp/pushed.bin")
    listing = noisy.run("ls /data/local/tmp").output.split()
    assert listing == ["pushed.bin"]  # no part or chunk file left behind
    device_digest = noisy.run("sha256sum /data/local/tmp/pushed.bin").output.split()[0]
    assert device_digest == hashlib.sha256(data).hexdigest()
    back = host / "back.bin"
    noisy.pull("/data/local/tmp/pushed.bin", back)
    assert back.read_bytes() == data
    assert {p.name for p in host.iterdir()} == {"source.bin", "back.bin"}  # no temporary name left
    files = [r for r in noisy.trace.records if r.kind in ("push", "pull")]
    assert [(r.kind, r.result["direction"]) for r in files] == [("push", "push"), ("pull", "pull")]
    assert files[0].result["bytes"] == len(data)


def test_an_empty_file(transport: SerialTransport, tmp_path: Path) -> None:
    (tmp_path / "empty").write_bytes(b"")
    transport.push(tmp_path / "empty", "/data/local/tmp/empty")
    assert transport.run("wc -c /data/local/tmp/empty").output == "0 /data/local/tmp/empty\n"
    transport.pull("/data/local/tmp/empty", tmp_path / "empty-back")
    assert (tmp_path / "empty-back").read_bytes() == b""


class CorruptingProxy:
    """A socket:// hop that flips one base64 character in the first file chunk typed through it."""

    def __init__(self, target: tuple[str, int]) -> None:
        self._target = target
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"socket://127.0.0.1:{self._listener.getsockname()[1]}"
        self.corrupted = 0
        self._sockets: list[socket.socket] = []
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            client, _ = self._listener.accept()
            upstream = socket.create_connection(self._target)
            self._sockets += [client, upstream]
            for source, sink, change in ((client, upstream, True), (upstream, client, False)):
                thread = threading.Thread(target=self._pipe, args=(source, sink, change), daemon=True)
                self._threads.append(thread)
                thread.start()

    def _pipe(self, source: socket.socket, sink: socket.socket, change: bool) -> None:
        pending = b""
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                if not change:
                    sink.sendall(data)
                    continue
                pending += data
                cut = max(pending.rfind(b"\r"), pending.rfind(b"\x03")) + 1  # whole typed lines only
                out, pending = pending[:cut], pending[cut:]
                if not self.corrupted and b"| base64 -d >" in out:
                    at = (
                        out.index(b"echo ", out.index(b"|| exit 99; ") if b"|| exit 99; " in out else 0) + 100
                    )
                    out = out[:at] + (b"B" if out[at : at + 1] == b"A" else b"A") + out[at + 1 :]
                    self.corrupted += 1
                sink.sendall(out)

    def close(self) -> None:
        self._listener.close()
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        for thread in self._threads:
            thread.join(5)


def test_a_corrupted_chunk_is_detected_and_sent_again(
    make_serial_console: Callable[..., SerialConsole],
    make_transport: Callable[..., SerialTransport],
    device: EmulatedDevice,
    tmp_path: Path,
) -> None:
    console = make_serial_console(device)
    proxy = CorruptingProxy(console.socket_address)
    try:
        transport = make_transport(proxy.url)
        data = random.Random(4).randbytes(20_000)
        (tmp_path / "chunks.bin").write_bytes(data)
        transport.push(tmp_path / "chunks.bin", "/data/local/tmp/chunks.bin")
        assert proxy.corrupted == 1
        assert device.fs.read_bytes("/data/local/tmp/chunks.bin") == data
        record = next(r for r in transport.trace.records if r.kind == "push")
        assert record.result["resent"] == 1
        transport.close()
    finally:
        proxy.close()


def test_push_into_a_full_data_partition_fails_cleanly(
    transport: SerialTransport, device: EmulatedDevice, tmp_path: Path
) -> None:
    device.set_data_capacity(device.fs.usage().used + 64 * 1024)
    (tmp_path / "big.bin").write_bytes(os.urandom(200 * 1024))
    with pytest.raises(TransportError, match="No space left on device"):
        transport.push(tmp_path / "big.bin", "/data/local/tmp/big.bin")
    assert transport.run("ls /data/local/tmp").output == ""  # neither the file nor its parts
    assert transport.run("echo still fine").output == "still fine\n"


def test_a_push_cut_short_leaves_nothing_under_the_final_name(
    transport: SerialTransport, tmp_path: Path
) -> None:
    (tmp_path / "slow.bin").write_bytes(os.urandom(2 * 1024 * 1024))
    with pytest.raises(TransportTimeout):
        transport.push(tmp_path / "slow.bin", "/data/local/tmp/slow.bin", timeout=0.3)
    assert transport.run("ls /data/local/tmp").output == ""


def test_pull_of_a_missing_file(transport: SerialTransport, tmp_path: Path) -> None:
    with pytest.raises(TransportError, match="No such file"):
        transport.pull("/data/local/tmp/nothing-here", tmp_path / "nothing")
    assert not (tmp_path / "nothing").exists()


# -- relays and long commands ----------------------------------------------------------------------


def shim_client(transport: SerialTransport) -> ShimClient:
    return ShimClient(
        lambda: transport.open_stream(SHIM_PORT),
        token=TOKEN,
        armor=True,
        device="emu-serial",
        transport="serial",
    )


def start_shim(transport: SerialTransport, device: EmulatedDevice) -> None:
    assert (
        transport.run(f"aa start -a EntryAbility -b com.ohoshil.shim --ps token {TOKEN}").output
        == "start ability successfully.\n"
    )
    listening = wait_for(lambda: SHIM_PORT in {b.device_port for b in device.ports.bindings()}, timeout=20)
    assert listening, "the shim did not start listening"


def test_the_shim_over_a_relay_with_kernel_noise(noisy: SerialTransport, device: EmulatedDevice) -> None:
    start_shim(noisy, device)
    mark = noisy.console_mark()
    with shim_client(noisy) as client:
        assert client.info["platform"] == "node-emulated"
        for _ in range(30):
            client.ping()
        gallery = client.create("@ohos.file.cloudSync", "GallerySync")
        outcome = gallery.call("on", "bogus", Callback("x"))
    assert outcome.kind == "thrown"
    assert outcome.error is not None and outcome.error.code == 401
    raw = noisy.console_log.raw_since(mark)
    armored = ARMORED_401.search(strip_kernel_lines(raw))
    assert armored, "the result came as an armored (CRC-checked) shim line, not as console text"
    interrupted = [
        row for row in raw.split(b"\n") if b'"id":' in row and re.search(rb"\[ *\d+\.\d{6}\] ", row)
    ]
    assert interrupted, "kernel messages were printed inside the shim's lines, and the armor coped"
    assert noisy.run("echo console is back").output == "console is back\n"
    kinds = {r.kind for r in noisy.trace.records}
    assert {"console", "shell", "forward"} <= kinds


def echo_round_trip(stream, text: bytes) -> bytes:
    stream.sendall(text)
    stream.settimeout(5)
    received = b""
    while not received.endswith(text):
        received += stream.recv(4096)
    return received


def test_a_command_takes_the_console_back_from_a_relay(transport: SerialTransport, echo_service: int) -> None:
    stream = transport.open_stream(echo_service)
    with pytest.raises(TransportError, match="signal characters 0x03"):
        stream.sendall(b"ctrl-c \x03 is not data here")
    assert echo_round_trip(stream, b"ping through the relay\n") == b"ping through the relay\n"

    assert transport.run("echo free").output == "free\n"  # one console: the relay had to end
    assert stream.closed
    with pytest.raises(TransportError, match="relay is closed"):
        stream.sendall(b"late")
    second = transport.open_stream(echo_service)
    assert transport.open_stream(echo_service) is not second and second.closed  # a new relay ends the old
    transport.close()


def test_the_shim_session_outlives_commands_between_its_calls(
    transport: SerialTransport, device: EmulatedDevice
) -> None:
    start_shim(transport, device)
    with shim_client(transport) as client:
        gallery = client.create("@ohos.file.cloudSync", "GallerySync")
        assert gallery.call("on", "progress", Callback("progress")).kind == "returned"
        assert transport.run("echo a command in between").output == "a command in between\n"
        assert transport.run("emuctl sync wait-idle").ok
        assert client.wait_event("progress", 5).arg == {"state": 4, "error": 0}, "queued while away"
        assert gallery.call("stop", style="promise").kind == "resolved", (
            "the session and its objects are kept"
        )
        assert client.wait_event("progress", 5).arg == {"state": 5, "error": 0}


def test_a_relay_to_a_closed_port_says_why(transport: SerialTransport) -> None:
    stream = transport.open_stream(1)
    try:
        stream.settimeout(5)
        with pytest.raises(ConnectionLost, match="Connection refused"):
            while True:
                stream.recv(4096)
    finally:
        stream.close()
    assert transport.run("echo next").output == "next\n"


def test_start_streams_output_until_stopped(transport: SerialTransport, device: EmulatedDevice) -> None:
    with transport.start("hilog -T SerialTest") as running:
        received = b""
        deadline = time.monotonic() + 10
        while b"a line from the device" not in received:  # hilog follows new entries once it runs
            assert time.monotonic() < deadline, received
            device.hilog.write("SerialTest", "a line from the device")
            with contextlib.suppress(TransportTimeout):
                received += running.read(0.2)
        with pytest.raises(TransportError, match="busy with `hilog"):
            transport.run("true")
    assert transport.run("echo stopped").output == "stopped\n"
    finished = transport.start("echo a; echo b")
    output = b""
    while chunk := finished.read(5):
        output += chunk
    assert output == b"a\nb\n"
    assert finished.exit_status == 0
    assert transport.run("echo done").output == "done\n"  # it gave the console back on its own


def test_console_log_slices(transport: SerialTransport) -> None:
    transport.connect()
    mark = transport.console_mark()
    transport.run("echo in the slice")
    text = transport.console_since(mark)
    assert re.search(r"^\d\d:\d\d:\d\d\.\d{3}  in the slice$", text, re.MULTILINE)
    assert "sh -c 'echo in the slice'" in text
    assert transport.console_since(transport.console_mark()) == ""


def test_close_leaves_no_threads(transport: SerialTransport, echo_service: int) -> None:
    transport.open_stream(echo_service)
    transport.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("serial-reader")]
    assert transport.run("echo reopened").output == "reopened\n"


def test_works_with_a_trace_of_the_caller(
    make_serial_console: Callable[..., SerialConsole],
    make_transport: Callable[..., SerialTransport],
    device: EmulatedDevice,
) -> None:
    trace = Trace()
    console = make_serial_console(device)
    transport = make_transport(console.pty_path, trace=trace)
    transport.run("echo traced")
    shell = [(r.kind, r.title) for r in trace.records]
    assert shell == [("shell", "echo traced"), ("console", f"open console {console.pty_path}")]  # inside
    assert trace.records[0].result == {"exitStatus": 0, "output": "traced\n"}
