"""The host side of the shim protocol (docs/shim-protocol.md): :class:`ShimClient`."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from harness.errors import EventTimeout, ShimError, TransportError
from harness.shim.channel import LineChannel, clip
from harness.shim.results import Event, Outcome
from harness.shim.values import Callback, decode_value, encode_value, render_value
from harness.trace import REDACTED, Trace
from harness.transport.base import Stream

PROTOCOL_MAJOR = 2
Style = Literal["sync", "promise", "callback"]
STYLES: frozenset[str] = frozenset(get_args(Style))


class ShimRequestError(ShimError):
    """The shim answered a request with an RPC ``error`` (it could not do what was asked)."""

    def __init__(self, message: str, *, kind: str, method: str) -> None:
        self.kind = kind
        self.method = method
        super().__init__(message)


@dataclass(frozen=True)
class RemoteObject:
    """An API object living in the shim session (``new module[cls](...)``), named by its handle."""

    client: ShimClient = field(repr=False, compare=False)
    module: str
    cls: str
    handle: str

    @property
    def label(self) -> str:
        return f"{self.cls}#{self.handle}"

    def call(self, member: str, *args: Any, style: Style = "sync", timeout: float | None = None) -> Outcome:
        """Call ``member(*args)`` on the object; see :meth:`ShimClient.invoke`."""
        return self.client.invoke(self, member, *args, style=style, timeout=timeout)

    def release(self) -> None:
        self.client.release(self)


class ShimClient:
    """A session with the on-device shim over a stream that ``connect()`` opens.

    ``token`` is the launch token the shim was started with (`aa start ... --ps token VALUE`);
    the handshake carries it, and the trace shows it redacted.

    One request at a time; every wait is bounded. ``rpc_timeout`` bounds how long the shim may take
    to answer a request beyond any wait the request itself asks for; ``call_timeout`` is the
    default wait for a promise or callback to settle; ``event_timeout`` the default event wait.
    Every request is recorded in ``trace`` as a ``shim`` action.
    """

    def __init__(
        self,
        connect: Callable[[], Stream],
        *,
        token: str = "",
        armor: bool = False,
        rpc_timeout: float = 10.0,
        call_timeout: float = 10.0,
        event_timeout: float = 5.0,
        trace: Trace | None = None,
        device: str = "",
        transport: str = "",
    ) -> None:
        self._connect = connect
        self._token = token
        self._armor = armor
        self.rpc_timeout = rpc_timeout
        self.call_timeout = call_timeout
        self.event_timeout = event_timeout
        self.trace = trace if trace is not None else Trace()
        self._device = device
        self._transport = transport
        self._lock = threading.Lock()
        self._channel: LineChannel | None = None
        self._session: str | None = None
        self._info: dict[str, Any] = {}
        self._next_id = 0
        self._last_seq: dict[str, int] = {}

    @property
    def session(self) -> str | None:
        return self._session

    @property
    def info(self) -> dict[str, Any]:
        """The shim's handshake reply (apiLevel, platform, bundle, shimVersion, protocol)."""
        return dict(self._info)

    # ---- connection ----

    def open(self) -> ShimClient:
        """Connect and start a new session."""
        with self._lock:
            self._attach({"cmd": "initiate"})
        return self

    def reconnect(self) -> None:
        """Drop the current stream and attach a new one to the same session (events are kept)."""
        with self._lock:
            self._reconnect_locked()

    def _reconnect_locked(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        if self._session is None:
            self._attach({"cmd": "initiate"})
        else:
            self._attach({"cmd": "continue", "session": self._session})

    def close(self) -> None:
        """End the session on the device, then close the stream. Safe to call more than once."""
        with self._lock:
            if self._channel is None:
                return
            try:
                if self._session is not None:
                    self._request_locked(
                        "session.close", {}, self.rpc_timeout, f"session.close {self._session}"
                    )
            except TransportError:
                pass  # the stream is gone; the shim frees the idle session when it needs the room
            finally:
                self._channel.close()
                self._channel = None
                self._session = None

    def __enter__(self) -> ShimClient:
        return self.open() if self._channel is None else self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _attach(self, hello: dict[str, Any]) -> None:
        hello = {**hello, "protocol": PROTOCOL_MAJOR, "armor": self._armor}
        with self.trace.action("shim", f"handshake {hello['cmd']}", **hello, token=REDACTED) as record:
            hello["token"] = self._token
            try:
                stream = self._connect()
            except TransportError:
                raise
            except OSError as exc:
                raise TransportError(
                    f"cannot reach the shim: {exc}", device=self._device, transport=self._transport
                ) from exc
            channel = LineChannel(stream, armor=self._armor, device=self._device, transport=self._transport)
            try:
                deadline = time.monotonic() + self.rpc_timeout
                channel.send(hello, deadline)
                reply = channel.receive(deadline)
                self._check_hello(reply)
            except BaseException:
                channel.close()
                raise
            self._channel = channel
            self._session = reply["session"]
            self._info = reply
            record.result = f"session {self._session}, {reply.get('platform')} API {reply.get('apiLevel')}"

    def _check_hello(self, reply: dict[str, Any]) -> None:
        if "status" not in reply:
            raise self._error(f"shim handshake reply has no status: {clip(repr(reply))}")
        if reply["status"] is not True:
            raise self._error(f"shim refused the handshake: {reply.get('error')}")
        protocol = reply.get("protocol")
        major = protocol.get("major") if isinstance(protocol, dict) else None
        if major != PROTOCOL_MAJOR:
            raise self._error(f"shim speaks protocol {protocol!r}, this host speaks major {PROTOCOL_MAJOR}")
        if not isinstance(reply.get("session"), str):
            raise self._error(f"shim handshake reply has no session: {clip(repr(reply))}")

    # ---- requests ----

    def ping(self) -> float:
        """Round trip with no API work; returns the device clock (epoch ms)."""
        result = self._request("ping", {}, self.rpc_timeout, "ping", lambda r: "pong")
        return float(result["time"])

    def help(self) -> dict[str, Any]:
        """The shim's methods and importable modules."""
        return self._request("help", {}, self.rpc_timeout, "help", lambda r: f"{len(r['modules'])} modules")

    def get(self, module: str, path: str = "") -> Any:
        """The value at ``module.path`` (dotted; ``""`` for the module object itself)."""
        title = f"get {module}{'.' + path if path else ''}"
        result = self._request(
            "module.get",
            {"module": module, "path": path},
            self.rpc_timeout,
            title,
            lambda r: render_value(decode_value(r["value"])),
        )
        return decode_value(result["value"])

    def create(self, module: str, cls: str, *args: Any) -> RemoteObject | Outcome:
        """``new module[cls](*args)``: the object, or the ``thrown`` Outcome when the constructor threw."""
        params = {"module": module, "class": cls, "args": encode_value(list(args))}
        title = f"new {cls}({_render_args(args)})"
        outcome = self._outcome_request("object.create", params, self.rpc_timeout, title)
        if outcome.kind == "returned" and outcome.handle is not None:
            return RemoteObject(self, module, cls, outcome.handle)
        return outcome

    def invoke(
        self,
        target: RemoteObject | str,
        member: str,
        *args: Any,
        style: Style = "sync",
        timeout: float | None = None,
    ) -> Outcome:
        """Call ``member(*args)`` on an object or a module (by name) in the given style.

        ``sync`` takes the return value or the throw; ``promise`` waits for the returned promise;
        ``callback`` appends a callback and waits for its first call. The wait is ``timeout``
        seconds (default ``call_timeout``); no settlement in time is the ``timeout`` outcome.
        """
        if style not in STYLES:
            raise ValueError(f"style must be one of {sorted(STYLES)}, not {style!r}")
        wait = self.call_timeout if timeout is None else timeout
        params: dict[str, Any] = {"member": member, "args": encode_value(list(args)), "style": style}
        if isinstance(target, RemoteObject):
            params["handle"] = target.handle
            label = target.label
        else:
            params["module"] = target
            label = target
        if style != "sync":
            params["timeoutMs"] = round(wait * 1000)
        title = f"{label}.{member}({_render_args(args)}) [{style}]"
        budget = self.rpc_timeout + (wait if style != "sync" else 0.0)
        return self._outcome_request("object.invoke", params, budget, title)

    def _outcome_request(self, method: str, params: dict[str, Any], budget: float, title: str) -> Outcome:
        """A request whose result is an outcome, decoded once for the trace and the caller."""
        decoded: list[Outcome] = []

        def summary(result: dict[str, Any]) -> str:
            decoded.append(Outcome.from_wire(result))
            return decoded[0].summary()

        self._request(method, params, budget, title, summary)
        return decoded[0]

    def release(self, obj: RemoteObject) -> None:
        """Free the device-side object."""
        self._request(
            "object.release",
            {"handle": obj.handle},
            self.rpc_timeout,
            f"release {obj.label}",
            lambda r: "released",
        )

    def wait_event(self, callback: Callback | str, timeout: float | None = None) -> Event:
        """The next event of ``callback``, waiting up to ``timeout`` seconds on the device.

        Raises :class:`EventTimeout` when none arrives, :class:`ShimError` when the device dropped
        events or a sequence number was skipped.
        """
        name = callback.name if isinstance(callback, Callback) else callback
        wait = self.event_timeout if timeout is None else timeout
        result = self._request(
            "events.waitAndGet",
            {"callback": name, "timeoutMs": round(wait * 1000)},
            self.rpc_timeout + wait,
            f"wait event {name} ({wait:g} s)",
            _event_summary,
        )
        self._check_dropped(name, result)
        if result.get("event") is None:
            raise EventTimeout(f"{self._where()}no event on callback {name!r} within {wait:g} s")
        event = Event.from_wire(result["event"])
        self._check_seq(name, [event])
        return event

    def events(self, callback: Callback | str) -> list[Event]:
        """All queued events of ``callback``, without waiting."""
        name = callback.name if isinstance(callback, Callback) else callback
        result = self._request(
            "events.getAll", {"callback": name}, self.rpc_timeout, f"get events {name}", _events_summary
        )
        self._check_dropped(name, result)
        events = [Event.from_wire(e) for e in result.get("events", [])]
        self._check_seq(name, events)
        return events

    def _check_dropped(self, name: str, result: dict[str, Any]) -> None:
        dropped = result.get("dropped", 0)
        if dropped:
            raise self._error(f"the device dropped {dropped} events of callback {name!r} (queue full)")

    def _check_seq(self, name: str, events: list[Event]) -> None:
        for event in events:
            expected = self._last_seq.get(name, 0) + 1
            self._last_seq[name] = event.seq
            if event.seq != expected:
                raise self._error(
                    f"events of callback {name!r} skipped: expected seq {expected}, got {event.seq}"
                )

    def _request(
        self,
        method: str,
        params: dict[str, Any],
        budget: float,
        title: str,
        summarize: Callable[[dict[str, Any]], Any],
    ) -> dict[str, Any]:
        with self._lock:
            return self._request_locked(method, params, budget, title, summarize)

    def _request_locked(
        self,
        method: str,
        params: dict[str, Any],
        budget: float,
        title: str,
        summarize: Callable[[dict[str, Any]], Any] = lambda r: r,
    ) -> dict[str, Any]:
        with self.trace.action("shim", title, method=method, params=params) as record:
            if self._channel is not None and self._channel.stream_closed and self._session is not None:
                self._reconnect_locked()  # the transport took its stream back in between (serial)
            channel = self._channel
            if channel is None:
                raise self._error("not connected to the shim (call open() or reconnect())")
            self._next_id += 1
            request_id = self._next_id
            deadline = time.monotonic() + budget
            channel.send({"id": request_id, "method": method, "params": params}, deadline)
            while True:
                message = channel.receive(deadline)
                if not {"id", "result", "error"} <= message.keys():
                    raise self._error(f"shim sent a response without id/result/error: {clip(repr(message))}")
                if message["id"] == request_id:
                    break
                # an answer to an earlier request whose wait ran out on this side: stale, skip it
            error = message["error"]
            if error is not None:
                kind = error.get("kind", "?") if isinstance(error, dict) else "?"
                text = error.get("message", error) if isinstance(error, dict) else error
                raise ShimRequestError(
                    f"{self._where()}shim could not run {method}: {kind}: {text}", kind=kind, method=method
                )
            result = message["result"]
            if not isinstance(result, dict):
                raise self._error(f"shim sent a {method} result that is not an object: {clip(repr(result))}")
            record.result = summarize(result)
            return result

    def _where(self) -> str:
        where = "/".join(part for part in (self._device, self._transport) if part)
        return f"[{where}] " if where else ""

    def _error(self, message: str) -> ShimError:
        return ShimError(self._where() + message)


def _render_args(args: tuple[Any, ...]) -> str:
    return ", ".join(render_value(arg, 40) for arg in args)


def _event_summary(result: dict[str, Any]) -> str:
    event = result.get("event")
    if event is None:
        return f"timed out (dropped {result.get('dropped', 0)})"
    return f"seq {event.get('seq')}: {render_value(decode_value(event.get('args')))}"


def _events_summary(result: dict[str, Any]) -> str:
    return f"{len(result.get('events', []))} events (dropped {result.get('dropped', 0)})"
