"""What an API call ended in (:class:`Outcome`) and what a callback received (:class:`Event`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from harness.errors import ShimError
from harness.shim.values import UNDEFINED, JsError, decode_error, decode_value, render_value

OutcomeKind = Literal["returned", "thrown", "resolved", "rejected", "callback", "timeout"]
ErrorRoute = Literal["thrown", "rejected", "callback"]
OUTCOME_KINDS: frozenset[str] = frozenset(get_args(OutcomeKind))


@dataclass(frozen=True)
class ExtraCall:
    """Calls of a callback-style function after its first one (request ``id``, how many more)."""

    id: int
    member: str
    count: int


@dataclass(frozen=True)
class Outcome:
    """How one API call ended on the device.

    ``error`` is the JS Error whatever route it came by, and ``how`` says which route
    (``thrown`` synchronously, promise ``rejected``, or ``callback`` err); both are None when the
    call did not fail. A failure with a value that is not an Error (``throw 5``) has ``error`` None,
    ``how`` set, and the value in ``value`` (or ``error_value`` for a callback's first argument).
    """

    kind: OutcomeKind
    value: Any = UNDEFINED
    error: JsError | None = None
    error_value: Any = UNDEFINED
    handle: str | None = None
    promise: bool | None = None
    elapsed_ms: float = 0.0
    waited_ms: float | None = None
    extra_calls: tuple[ExtraCall, ...] = ()

    @property
    def how(self) -> ErrorRoute | None:
        if self.kind == "thrown" or self.kind == "rejected":
            return self.kind
        if self.kind == "callback" and (self.error is not None or self.error_value is not UNDEFINED):
            return "callback"
        return None

    @property
    def failed(self) -> bool:
        """The call threw, rejected, or called back with an error."""
        return self.how is not None

    def summary(self) -> str:
        """One line for traces and messages."""
        extra = f" (+{sum(c.count for c in self.extra_calls)} extra calls)" if self.extra_calls else ""
        if self.kind == "timeout":
            return f"timeout after {self.waited_ms:g} ms"
        if self.error is not None:
            return f"{self.kind} {self.error.describe()}{extra}"
        if self.kind == "callback" and self.error_value is not UNDEFINED:
            return f"callback err={render_value(self.error_value)}{extra}"
        if self.handle is not None:
            return f"returned handle {self.handle}"
        return f"{self.kind} {render_value(self.value)}{extra}"

    @classmethod
    def from_wire(cls, result: Any) -> Outcome:
        """Decode an outcome result; ShimError when it is not one."""
        if not isinstance(result, dict) or result.get("outcome") not in OUTCOME_KINDS:
            raise ShimError(f"shim sent something that is not an outcome: {render_value(result, 200)}")
        error = result.get("error")
        extra_calls = tuple(
            ExtraCall(id=int(c["id"]), member=str(c["member"]), count=int(c["count"]))
            for c in result.get("extraCalls", [])
        )
        return cls(
            kind=result["outcome"],
            value=decode_value(result["value"]) if "value" in result else UNDEFINED,
            error=decode_error(error) if error is not None else None,
            error_value=decode_value(result["errorValue"]) if "errorValue" in result else UNDEFINED,
            handle=result.get("handle"),
            promise=result.get("promise"),
            elapsed_ms=float(result.get("elapsedMs", 0.0)),
            waited_ms=result.get("waitedMs"),
            extra_calls=extra_calls,
        )


@dataclass(frozen=True)
class Event:
    """One call of a session callback: its ``seq`` (from 1, per callback), device ``time`` (epoch ms)."""

    callback: str
    seq: int
    time: float
    args: tuple[Any, ...] = field(default_factory=tuple)

    @property
    def arg(self) -> Any:
        """The first argument (progress callbacks get exactly one), or UNDEFINED."""
        return self.args[0] if self.args else UNDEFINED

    @classmethod
    def from_wire(cls, wire: Any) -> Event:
        if (
            not isinstance(wire, dict)
            or not isinstance(wire.get("seq"), int)
            or not isinstance(wire.get("args"), list)
        ):
            raise ShimError(f"shim sent an invalid event: {render_value(wire, 200)}")
        return cls(
            callback=str(wire.get("callback")),
            seq=wire["seq"],
            time=float(wire.get("time", 0.0)),
            args=tuple(decode_value(wire["args"])),
        )
