"""One emulated process's IPC: its synchronous call channel and its event channel (docs/emulator-ipc.md)."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from typing import Any

from ohos_emulator.hilog import Hilog
from ohos_emulator.ports import PortTable
from ohos_emulator.samgr import SystemAbilityManager
from ohos_emulator.services.binder import Caller

MAX_LINE = 16 * 1024 * 1024


class ProcessIpc:
    """Serves a process's requests on one thread; pushes its events; cleans up when it exits."""

    def __init__(
        self,
        caller: Caller,
        hello: dict[str, Any],
        call_channel: socket.socket,
        event_channel: socket.socket,
        samgr: SystemAbilityManager,
        ports: PortTable,
        hilog: Hilog,
    ) -> None:
        self.caller = caller
        self.pid = caller.pid
        self._hello = hello
        self._calls = call_channel
        self._events = event_channel
        self._event_lock = threading.Lock()
        self._samgr = samgr
        self._ports = ports
        self._hilog = hilog
        self._alive = True
        self._closed = False
        self._thread = threading.Thread(target=self._serve, name=f"ipc-{self.pid}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    # EventSink ----------------------------------------------------------------------------------
    def push(self, sa: int, event: str, data: dict[str, Any]) -> bool:
        line = json.dumps({"sa": sa, "event": event, "data": data}, separators=(",", ":")) + "\n"
        with self._event_lock:
            if not self._alive:
                return False
            try:
                self._events.sendall(line.encode())
                return True
            except OSError:
                self._alive = False
                return False

    # call channel -------------------------------------------------------------------------------
    def _serve(self) -> None:
        reader = self._calls.makefile("rb")
        try:
            while True:
                line = reader.readline(MAX_LINE)
                if not line:
                    break
                reply = self._dispatch(line)
                self._calls.sendall(json.dumps(reply, separators=(",", ":")).encode() + b"\n")
        except OSError:
            pass
        finally:
            self.close()

    def _dispatch(self, line: bytes) -> dict[str, Any]:
        try:
            request = json.loads(line)
            op = request["op"]
        except (ValueError, KeyError, TypeError):
            return {"ok": False, "message": f"malformed request: {line[:200]!r}"}
        if op == "hello":
            return {"ok": True, **self._hello, "caller": self.caller.as_dict()}
        if op == "listen":
            taken = not self._ports.bind(int(request["devicePort"]), int(request["hostPort"]), self.pid)
            return {"ok": True, **({"errno": "EADDRINUSE"} if taken else {})}
        if op == "unlisten":
            self._ports.unbind(int(request["devicePort"]), self.pid)
            return {"ok": True}
        if op == "call":
            data = request.get("data") or {}
            reply = self._samgr.call(self.caller, self, int(request["sa"]), str(request["code"]), data)
            return reply.as_dict()
        return {"ok": False, "message": f"unknown op {op!r}"}

    def close(self) -> None:
        """Close both channels and forget the process everywhere (idempotent)."""
        with self._event_lock:
            if self._closed:
                return
            self._closed = True
            self._alive = False
        for channel in (self._calls, self._events):
            with contextlib.suppress(OSError):
                channel.shutdown(socket.SHUT_RDWR)
            channel.close()
        self._ports.unbind_owner(self.pid)
        self._samgr.process_died(self.pid)
