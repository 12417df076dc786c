"""ShimClient against the real JS shim core (tests/shim/test-entry.js) over real loopback TCP."""

from __future__ import annotations

import json
import math
import re
import selectors
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.errors import ConnectionLost, EventTimeout, ShimError, SpecDeviation, TransportTimeout
from harness.shim import (
    UNDEFINED,
    Callback,
    JsBigInt,
    JsError,
    JsFunction,
    Outcome,
    RemoteObject,
    ShimClient,
    ShimRequestError,
)
from harness.trace import Trace
from harness.transport.base import Stream

REPO = Path(__file__).resolve().parents[2]
TEST_ENTRY = REPO / "tests" / "shim" / "test-entry.js"
TOKEN = "client-test-token-0123456789"
MODULE = "@test.outcomes"


def read_line(proc: subprocess.Popen[bytes], timeout: float) -> str:
    """The first stdout line of ``proc``, or fail after ``timeout`` seconds."""
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    data = b""
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        while b"\n" not in data:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not selector.select(remaining):
                pytest.fail(f"no line from {proc.args} within {timeout} s (got {data!r})")
            chunk = proc.stdout.read1(4096)
            if not chunk:
                pytest.fail(f"{proc.args} exited before printing a line (got {data!r})")
            data += chunk
    return data.decode().splitlines()[0]


@pytest.fixture(scope="module")
def shim_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    log = tmp_path_factory.mktemp("shim") / "stderr.log"
    with log.open("wb") as stderr:
        proc = subprocess.Popen(
            ["node", str(TEST_ENTRY), TOKEN], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr
        )
    try:
        match = re.fullmatch(r"PORT (\d+)", read_line(proc, timeout=15))
        assert match, "test entry did not print its port"
        yield int(match.group(1))
    finally:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.close()
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        proc.stdout.close()


class Connector:
    """``connect()`` for ShimClient that remembers its sockets (so a test can drop one)."""

    def __init__(self, port: int, wrap: Callable[[socket.socket], Stream] | None = None) -> None:
        self.port = port
        self.wrap = wrap
        self.sockets: list[socket.socket] = []

    def __call__(self) -> Stream:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sockets.append(sock)
        return self.wrap(sock) if self.wrap else sock

    def close(self) -> None:
        for sock in self.sockets:
            sock.close()


def make_client(port: int, **options: Any) -> tuple[ShimClient, Connector]:
    connector = Connector(port, options.pop("wrap", None))
    options = {
        "token": TOKEN,
        "rpc_timeout": 5.0,
        "call_timeout": 2.0,
        "event_timeout": 1.0,
        "device": "t1",
        **options,
    }
    return ShimClient(connector, **options), connector


@pytest.fixture
def client(shim_port: int) -> Iterator[ShimClient]:
    shim, connector = make_client(shim_port, trace=Trace())
    shim.open()
    yield shim
    shim.close()
    connector.close()


@pytest.fixture
def thing(client: ShimClient) -> RemoteObject:
    created = client.create(MODULE, "Thing", "t")
    assert isinstance(created, RemoteObject)
    return created


def test_handshake_reports_the_shim(client: ShimClient) -> None:
    assert client.session is not None and client.session.startswith("s")
    assert client.info["platform"] == "node-test"
    assert client.info["apiLevel"] == 10
    assert client.info["protocol"] == {"major": 2, "minor": 0}
    assert MODULE in client.help()["modules"]


def test_ping_returns_the_device_clock_and_is_traced(client: ShimClient) -> None:
    before = time.time() * 1000
    device_time = client.ping()
    assert before - 1000 < device_time < time.time() * 1000 + 1000
    record = client.trace.records[-1]
    assert (record.kind, record.title, record.result) == ("shim", "ping", "pong")


def test_every_value_form_round_trips(thing: RemoteObject) -> None:
    values = [
        None,
        True,
        "text ☁",
        7,
        1.5,
        UNDEFINED,
        math.inf,
        -math.inf,
        -0.0,
        JsBigInt(2**70),
        {"$ref": 1},
        [1, [2, {"a": UNDEFINED}]],
        JsError("BusinessError", "m", 401, True, {"data": "d"}),
        JsError("Error", "no code"),
        JsError("Error", "undefined code", UNDEFINED, True),
    ]
    outcome = thing.call("echo", *values, math.nan)
    assert outcome.kind == "returned"
    *echoed, nan = outcome.value
    assert echoed == values
    assert math.isnan(nan)
    assert math.copysign(1.0, echoed[8]) == -1.0
    assert isinstance(echoed[9], JsBigInt)


def test_callbacks_pass_as_functions(thing: RemoteObject) -> None:
    assert thing.call("echo", Callback("progress")).value == [JsFunction("progress")]
    with pytest.raises(ValueError):
        Callback("$late")


def test_create_returns_an_object_or_the_constructor_throw(client: ShimClient, thing: RemoteObject) -> None:
    assert thing.label == "Thing#" + thing.handle
    assert thing.call("getLabel").value == "t"
    broken = client.create(MODULE, "Broken")
    assert isinstance(broken, Outcome)
    assert (broken.kind, broken.how) == ("thrown", "thrown")
    assert broken.error == JsError("Error", "The input parameter is invalid.", 401, True)


def test_sync_outcomes_keep_code_and_its_absence(thing: RemoteObject) -> None:
    assert thing.call("echo", 1).value == [1]
    coded = thing.call("throwCoded", 22400002, "Network unavailable.")
    assert (coded.kind, coded.how, coded.failed) == ("thrown", "thrown", True)
    assert (coded.error.code, coded.error.has_code, coded.error.message) == (
        22400002,
        True,
        "Network unavailable.",
    )
    plain = thing.call("throwPlain", "Number of arguments unmatched")
    assert plain.error == JsError("Error", "Number of arguments unmatched")
    assert plain.error.has_code is False and plain.error.code is None
    undefined_code = thing.call("throwCodeUndefined").error
    assert (undefined_code.has_code, undefined_code.code) == (True, UNDEFINED)
    assert thing.call("throwWithData").error.extra == {"data": {"uri": "file://x"}}
    thrown_value = thing.call("throwValue", 5)
    assert (thrown_value.how, thrown_value.error, thrown_value.value) == ("thrown", None, 5)


def test_promise_outcomes(thing: RemoteObject) -> None:
    resolved = thing.call("resolveLater", "v", style="promise")
    assert (resolved.kind, resolved.value, resolved.how, resolved.failed) == ("resolved", "v", None, False)
    rejected = thing.call("rejectLater", 201, "Permission verification failed.", style="promise")
    assert (rejected.kind, rejected.how) == ("rejected", "rejected")
    assert rejected.error == JsError("Error", "Permission verification failed.", 201, True)
    assert thing.call("rejectPlainLater", "p", style="promise").error.has_code is False
    not_a_promise = thing.call("echo", style="promise")
    assert (not_a_promise.kind, not_a_promise.promise) == ("returned", False)


def test_callback_outcomes(thing: RemoteObject) -> None:
    ok = thing.call("callbackValue", 5, style="callback")
    assert (ok.kind, ok.error, ok.value, ok.how) == ("callback", None, 5, None)
    failed = thing.call("callbackError", 22400003, "Battery level warning.", style="callback")
    assert (failed.kind, failed.how, failed.error.code) == ("callback", "callback", 22400003)
    twice = thing.call("callbackTwice", style="callback")
    assert twice.value == 1
    assert [(c.member, c.count) for c in twice.extra_calls] == [("callbackTwice", 1)]


def test_timeout_then_the_late_settlement_arrives_as_an_event(
    client: ShimClient, thing: RemoteObject
) -> None:
    never = thing.call("never", style="promise", timeout=0.05)
    assert (never.kind, never.waited_ms) == ("timeout", 50)
    slow = thing.call("settleAfter", 150, "done", style="promise", timeout=0.02)
    assert slow.kind == "timeout"
    late = client.wait_event("$late", timeout=2)
    assert late.arg["reason"] == "after timeout"
    assert late.arg["outcome"]["outcome"] == "resolved"
    assert late.arg["outcome"]["value"] == "done"


def test_events_arrive_in_order_with_seq_and_time(client: ShimClient, thing: RemoteObject) -> None:
    progress = Callback("progress")
    assert thing.call("fire", progress, 3).value == 3
    events = [client.wait_event(progress) for _ in range(3)]
    assert [e.seq for e in events] == [1, 2, 3]
    assert [e.arg for e in events] == [{"i": 1}, {"i": 2}, {"i": 3}]
    assert events[0].time <= events[1].time <= events[2].time
    assert client.events(progress) == []
    thing.call("fire", progress, 2)
    assert [e.seq for e in client.events(progress)] == [4, 5]


def test_a_missing_event_is_an_event_timeout(client: ShimClient) -> None:
    with pytest.raises(EventTimeout, match="'nothing'") as caught:
        client.wait_event("nothing", timeout=0.05)
    assert isinstance(caught.value, SpecDeviation)


def test_queue_overflow_is_reported(client: ShimClient, thing: RemoteObject) -> None:
    thing.call("fire", Callback("flood"), 1100)
    with pytest.raises(ShimError, match="dropped 76 events of callback 'flood'"):
        client.wait_event("flood")


def test_reconnect_continues_the_session_with_the_events_queued_meanwhile(shim_port: int) -> None:
    watcher, connector = make_client(shim_port)
    other, other_connector = make_client(shim_port)
    try:
        watcher.open()
        thing = watcher.create(MODULE, "Thing", "w")
        assert isinstance(thing, RemoteObject)
        thing.call("subscribe", Callback("sub"))
        connector.sockets[-1].shutdown(socket.SHUT_RDWR)
        with pytest.raises(ConnectionLost):
            watcher.ping()
        other.open()
        assert other.invoke(MODULE, "fireAll", 2).value >= 1
        watcher.reconnect()
        assert [e.seq for e in (watcher.wait_event("sub"), watcher.wait_event("sub"))] == [1, 2]
        assert thing.call("getLabel").value == "w"
    finally:
        watcher.close()
        other.close()
        connector.close()
        other_connector.close()


def test_rpc_errors_carry_their_kind(client: ShimClient, thing: RemoteObject) -> None:
    thing.release()
    with pytest.raises(ShimRequestError, match="no_such_handle") as caught:
        thing.call("echo")
    assert caught.value.kind == "no_such_handle"
    with pytest.raises(ShimRequestError) as missing:
        client.get("@ohos.missing")
    assert missing.value.kind == "no_such_module"
    assert client.get(MODULE, "Kind") == {"A": 0, "B": 1}
    assert client.get(MODULE, "dollarKey") == {"$ref": "literal"}


def test_invoke_on_a_module_and_trace_titles(client: ShimClient, thing: RemoteObject) -> None:
    thing.call("echo", 1, "a", Callback("p"), UNDEFINED, style="promise")
    record = client.trace.records[-1]
    assert record.title == f"Thing#{thing.handle}.echo(1, 'a', cb:p, undefined) [promise]"
    assert record.details["params"]["args"][2] == {"$callback": "p"}
    assert record.result == "returned [1, 'a', [Function p], undefined]"
    client.invoke(MODULE, "fireAll", 0)
    assert client.trace.records[-1].title == f"{MODULE}.fireAll(0) [sync]"


def test_close_is_idempotent_and_ends_the_session(shim_port: int) -> None:
    shim, connector = make_client(shim_port)
    shim.open()
    session = shim.session
    shim.close()
    shim.close()
    with pytest.raises(ShimError, match="not connected"):
        shim.ping()
    connector.close()
    with socket.create_connection(("127.0.0.1", shim_port), timeout=5) as sock:
        hello = {"cmd": "continue", "session": session, "protocol": 2, "token": TOKEN}
        sock.sendall(json.dumps(hello).encode() + b"\n")
        reply = json.loads(sock.makefile("rb").readline())
    assert reply == {"status": False, "error": f"no such session: {session}"}


def test_the_shim_refuses_another_protocol_major(shim_port: int) -> None:
    with socket.create_connection(("127.0.0.1", shim_port), timeout=5) as sock:
        sock.sendall(json.dumps({"cmd": "initiate", "protocol": 1, "token": TOKEN}).encode() + b"\n")
        reply = json.loads(sock.makefile("rb").readline())
    assert reply["status"] is False
    assert "unsupported protocol 1" in reply["error"]


@pytest.mark.parametrize("token", ["", "wrong-token-0123456789abcdef", TOKEN[:-1]])
def test_a_client_without_the_launch_token_is_refused_and_closed(shim_port: int, token: str) -> None:
    shim, connector = make_client(shim_port, token=token, trace=Trace())
    with pytest.raises(ShimError, match="wrong or missing token"):
        shim.open()
    connector.close()
    with socket.create_connection(("127.0.0.1", shim_port), timeout=5) as sock:
        sock.sendall(json.dumps({"cmd": "initiate", "protocol": 2, "token": token}).encode() + b"\n")
        lines = sock.makefile("rb")
        assert json.loads(lines.readline())["status"] is False
        assert lines.read() == b""  # and the shim closed the connection


def test_the_token_is_redacted_in_the_trace(client: ShimClient) -> None:
    [handshake] = [r for r in client.trace.records if r.title == "handshake initiate"]
    assert handshake.details["token"] == "<redacted>"
    assert TOKEN not in json.dumps([r.as_dict() for r in client.trace.records], default=str)


# ---- raw servers that do not speak the protocol ----


class RawServer:
    """A one-connection TCP server on 127.0.0.1 that runs ``script(conn)`` in a daemon thread."""

    def __init__(self, script: Callable[[socket.socket], object]) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.script = script
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.listener.settimeout(10)
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(10)
            self.script(conn)
            self.done.wait(10)

    def close(self) -> None:
        self.done.set()
        self.listener.close()
        self.thread.join(timeout=5)


Script = Callable[[socket.socket], object]
StartServer = Callable[[Script], RawServer]


@pytest.fixture
def raw_server() -> Iterator[StartServer]:
    servers: list[RawServer] = []

    def start(script: Script) -> RawServer:
        server = RawServer(script)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def read_request(conn: socket.socket) -> dict[str, Any]:
    return json.loads(conn.makefile("rb").readline())


def hello_reply(major: int = 2) -> bytes:
    return (
        json.dumps({"status": True, "session": "s1", "protocol": {"major": major, "minor": 0}}) + "\n"
    ).encode()


def test_the_host_refuses_a_shim_of_another_major(raw_server: StartServer) -> None:
    server = raw_server(lambda conn: (read_request(conn), conn.sendall(hello_reply(major=1))))
    shim, connector = make_client(server.port)
    with pytest.raises(ShimError, match="protocol"):
        shim.open()
    connector.close()


@pytest.mark.parametrize(
    "reply",
    [b"HTTP/1.1 400 Bad Request\r\n\r\n", b"[1, 2]\n", b'{"no": "status"}\n', b"\xff\xfe garbage\n"],
    ids=["http", "array", "no-status", "binary"],
)
def test_garbage_from_a_server_is_a_shim_error(raw_server: StartServer, reply: bytes) -> None:
    server = raw_server(lambda conn: (read_request(conn), conn.sendall(reply)))
    shim, connector = make_client(server.port)
    with pytest.raises(ShimError):
        shim.open()
    connector.close()


def test_a_response_without_result_is_a_shim_error_naming_the_line(raw_server: StartServer) -> None:
    def script(conn: socket.socket) -> None:
        lines = conn.makefile("rb")
        json.loads(lines.readline())
        conn.sendall(hello_reply())
        request = json.loads(lines.readline())
        conn.sendall((json.dumps({"id": request["id"], "pong": True}) + "\n").encode())

    shim, connector = make_client(raw_server(script).port)
    shim.open()
    with pytest.raises(ShimError, match=r"without id/result/error: .*pong"):
        shim.ping()
    connector.close()


def test_silence_is_a_transport_timeout_and_a_close_is_connection_lost(raw_server: StartServer) -> None:
    silent = raw_server(read_request)
    shim, connector = make_client(silent.port, rpc_timeout=0.2)
    with pytest.raises(TransportTimeout, match=r"\[t1\]"):
        shim.open()  # the server stays silent for 10 s: only the 0.2 s deadline ends this
    closing = raw_server(lambda conn: conn.close())
    shim, other = make_client(closing.port)
    with pytest.raises(ConnectionLost):
        shim.open()
    connector.close()
    other.close()


# ---- armor ----


class NoisyStream:
    """A socket whose received bytes are altered the way a serial console alters them."""

    def __init__(self, sock: socket.socket, alter: Callable[[int, bytes], bytes]) -> None:
        self.sock = sock
        self.alter = alter
        self.received = 0

    def recv(self, size: int) -> bytes:
        chunk = self.sock.recv(size)
        self.received += 1
        return self.alter(self.received, chunk) if chunk else chunk

    def sendall(self, data: bytes) -> None:
        self.sock.sendall(data)

    def settimeout(self, timeout: float | None) -> None:
        self.sock.settimeout(timeout)

    def close(self) -> None:
        self.sock.close()


def inject_printk(_: int, chunk: bytes) -> bytes:
    middle = len(chunk) // 2
    return chunk[:middle] + b"[ 1234.567890] usb 1-1: new high-speed USB device\r\n" + chunk[middle:]


def test_armored_stream_survives_kernel_lines_injected_mid_line(shim_port: int) -> None:
    shim, connector = make_client(shim_port, armor=True, wrap=lambda s: NoisyStream(s, inject_printk))
    shim.open()
    try:
        thing = shim.create(MODULE, "Thing", "[  12.345678] looks like printk")
        assert isinstance(thing, RemoteObject)
        assert thing.call("getLabel").value == "[  12.345678] looks like printk"
        assert shim.ping() > 0
    finally:
        shim.close()
        connector.close()


def test_armored_stream_rejects_a_flipped_byte(shim_port: int) -> None:
    def flip_after_handshake(n: int, chunk: bytes) -> bytes:
        if n < 2:
            return chunk
        return chunk[:3] + bytes([chunk[3] ^ 0x01]) + chunk[4:]

    shim, connector = make_client(shim_port, armor=True, wrap=lambda s: NoisyStream(s, flip_after_handshake))
    shim.open()
    with pytest.raises(ShimError, match="corrupted line"):
        shim.ping()
    connector.close()
