"""The Node entry (ohos_emulator/shim_node/node-entry.js) against the IPC contract of docs/emulator-ipc.md.

The service side here is a scripted stand-in for the emulator's per-process IPC thread: it answers
``hello``/``listen``/``call`` as the contract says and records what the entry asked for.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness.shim import UNDEFINED, Callback, JsError, RemoteObject, ShimClient
from ohos_emulator.apps import SHIM_ENTRY as NODE_ENTRY

KNOBS = json.loads((Path(__file__).resolve().parents[1] / "js" / "fixtures" / "napi-knobs.json").read_text())
BUNDLE = "com.ohoshil.shim"
TOKEN = "entry-test-token-0123456789"


class ScriptedServices:
    """Answers one process's call channel and pushes events on its event channel."""

    def __init__(
        self,
        call_sock: socket.socket,
        event_sock: socket.socket,
        *,
        listen_errno: str | None = None,
        answers: dict[str, dict[str, Any]] | None = None,
        want_parameters: dict[str, Any] | None = None,
    ) -> None:
        default = {"port": 18620, "token": TOKEN}
        self.want_parameters = default if want_parameters is None else want_parameters
        self.call_sock = call_sock
        self.event_sock = event_sock
        self.listen_errno = listen_errno
        self.answers = answers or {}
        self.calls: list[tuple[int, str, dict[str, Any]]] = []
        self.host_port = 0
        self.listening = threading.Event()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.call_sock.settimeout(0.2)
        buffer = b""
        while not self.stopped.is_set():
            try:
                chunk = self.call_sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                reply = self._answer(json.loads(line))
                self.call_sock.sendall(json.dumps(reply).encode() + b"\n")

    def _answer(self, request: dict[str, Any]) -> dict[str, Any]:
        op = request["op"]
        if op == "hello":
            return {
                "ok": True,
                "device": {"serial": "emu-0001", "apiLevel": 10, "fullName": "OpenHarmony-4.0.10.13"},
                "caller": {"bundle": BUNDLE, "apl": "system_basic", "systemApp": True, "permissions": []},
                "want": {"bundle": BUNDLE, "ability": "EntryAbility", "parameters": self.want_parameters},
                "napi": KNOBS["api10-doc"],
            }
        if op == "listen":
            self.host_port = request["hostPort"]
            self.listening.set()
            return {"ok": True, "errno": self.listen_errno} if self.listen_errno else {"ok": True}
        if op == "call":
            self.calls.append((request["sa"], request["code"], request["data"]))
            if request["code"] == "RegisterCallbackInner":
                self.push({"sa": 5204, "event": "OnSyncStateChanged", "data": {"state": 4, "error": 0}})
            return {"ok": True, "ipc": 0, "ret": 0, "reply": {}, **self.answers.get(request["code"], {})}
        return {"ok": False, "message": f"unknown op {op}"}

    def push(self, event: dict[str, Any]) -> None:
        self.event_sock.sendall(json.dumps(event).encode() + b"\n")

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)


@contextmanager
def running_entry(**options: Any) -> Iterator[tuple[subprocess.Popen[bytes], ScriptedServices]]:
    call_host, call_child = socket.socketpair()
    event_host, event_child = socket.socketpair()
    fds = (call_child.fileno(), event_child.fileno())
    proc = subprocess.Popen(
        ["node", str(NODE_ENTRY)],
        env={**os.environ, "OHOS_HIL_IPC": f"{fds[0]},{fds[1]}"},
        pass_fds=fds,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    call_child.close()
    event_child.close()
    services = ScriptedServices(call_host, event_host, **options)
    try:
        yield proc, services
    finally:
        services.stop()
        call_host.close()
        event_host.close()
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=10)


def finish(proc: subprocess.Popen[bytes]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=10)
    return proc.returncode, out.decode(), err.decode()


def serving(services: ScriptedServices) -> ShimClient:
    assert services.listening.wait(15), "the entry never asked to listen"
    port = services.host_port

    def connect() -> socket.socket:
        return socket.create_connection(("127.0.0.1", port), timeout=5)

    return ShimClient(
        connect, token=TOKEN, rpc_timeout=5, call_timeout=2, event_timeout=2, device="emu-0001"
    ).open()


def test_entry_serves_the_emulated_modules_over_the_ipc() -> None:
    with running_entry(answers={"StopSyncInner": {"ret": 12}}) as (proc, services):
        client = serving(services)
        assert (client.info["platform"], client.info["bundle"], client.info["apiLevel"]) == (
            "node-emulated",
            BUNDLE,
            10,
        )
        gallery = client.create("@ohos.file.cloudSync", "GallerySync")
        assert isinstance(gallery, RemoteObject)
        assert gallery.call("on", "progress", Callback("p")).kind == "returned"
        assert client.wait_event("p").arg == {"state": 4, "error": 0}
        started = gallery.call("start", style="promise")
        assert (started.kind, started.value) == ("resolved", UNDEFINED)
        stopped = gallery.call("stop", style="callback")
        assert stopped.error == JsError("Error", "Network unavailable.", 22400002, True)
        wrong = client.create("@ohos.file.cloudSync", "GallerySync", 1)
        assert wrong.error == JsError("Error", "The input parameter is invalid.", 401, True)
        assert client.get("@ohos.file.cloudSync", "SyncState.COMPLETED") == 4
        assert services.calls == [
            (5204, "RegisterCallbackInner", {}),
            (5204, "StartSyncInner", {"forceFlag": False}),
            (5204, "StopSyncInner", {}),
        ]
        client.close()
        services.call_sock.close()
        services.event_sock.close()
        code, out, _ = finish(proc)
    assert code == 0
    assert out.splitlines()[0] == f"SHIM SERVING port=18620 bundle={BUNDLE}"


def test_entry_exits_1_when_the_device_port_is_taken() -> None:
    with running_entry(listen_errno="EADDRINUSE") as (proc, services):
        assert services.listening.wait(15)
        code, out, err = finish(proc)
    assert code == 1
    assert "EADDRINUSE" in err
    assert "SHIM SERVING" not in out


def test_entry_without_a_port_fails_as_the_device_entry_does() -> None:
    with running_entry(want_parameters={}) as (proc, services):
        code, out, err = finish(proc)
        assert not services.listening.is_set()
    assert code == 1 and "no port" in err and "SHIM SERVING" not in out


def test_entry_exits_on_sigterm() -> None:
    with running_entry() as (proc, services):
        client = serving(services)
        assert client.ping() > 0
        proc.terminate()
        code, _, _ = finish(proc)
    assert code == 0


def test_entry_refuses_a_bad_ipc_variable() -> None:
    proc = subprocess.run(
        ["node", str(NODE_ENTRY)],
        env={**os.environ, "OHOS_HIL_IPC": "three"},
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert proc.returncode == 1
    assert b"OHOS_HIL_IPC must be" in proc.stderr
