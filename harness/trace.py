"""A record of what the harness did to a device, in order.

Every device action (shell command, shim call, condition change and restore) runs inside
:meth:`Trace.action`. Listeners turn actions into report steps (the pytest plugin turns them into
Allure steps); the records themselves become the call-trace attachment.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack, nullcontext
from dataclasses import dataclass, field
from typing import Any

from ohos_protocol.shim import REDACTED, redact

__all__ = ["REDACTED", "Trace", "TraceRecord", "redact"]

TraceListener = Callable[["TraceRecord"], AbstractContextManager[Any]]


def _redacted(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


@dataclass
class TraceRecord:
    """One action: what kind, a one-line title, details, and how it ended."""

    kind: str
    title: str
    details: dict[str, Any] = field(default_factory=dict)
    started: float = 0.0
    elapsed: float = 0.0
    result: Any = None
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "details": self.details,
            "started": self.started,
            "elapsedMs": round(self.elapsed * 1000, 3),
            "result": self.result,
            "error": self.error,
        }


class Trace:
    """Ordered action records plus the listeners that mirror them into reports."""

    def __init__(self, max_records: int = 10_000) -> None:
        self.records: list[TraceRecord] = []
        self._listeners: list[TraceListener] = []
        self._max_records = max_records
        self._dropped = 0  # records let go of to stay under max_records; marks count them

    def add_listener(self, listener: TraceListener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: TraceListener) -> None:
        self._listeners.remove(listener)

    def mark(self) -> int:
        """A position in the records, for :meth:`since` (stable when old records are let go)."""
        return self._dropped + len(self.records)

    def since(self, mark: int) -> list[TraceRecord]:
        """The records from ``mark`` on (those still kept)."""
        return self.records[max(0, mark - self._dropped) :]

    def action(self, kind: str, title: str, **details: Any) -> AbstractContextManager[TraceRecord]:
        """Run the body as one recorded action; set ``record.result`` inside to keep the outcome."""
        record = TraceRecord(
            kind=kind,
            title=redact(title),
            details={key: _redacted(value) for key, value in details.items()},
            started=time.time(),
        )
        if len(self.records) >= self._max_records:
            let_go = max(1, self._max_records // 10)
            del self.records[:let_go]
            self._dropped += let_go
        self.records.append(record)
        return _Action(record, list(self._listeners))


class _Action:
    """The body of one :meth:`Trace.action`: times it, records its error, runs the listeners around it.

    A plain class rather than a generator context manager: it is on the path of every shim call.
    """

    __slots__ = ("_began", "_listeners", "_record", "_stack")

    def __init__(self, record: TraceRecord, listeners: list[TraceListener]) -> None:
        self._record = record
        self._listeners = listeners
        self._stack: ExitStack | None = None
        self._began = 0.0

    def __enter__(self) -> TraceRecord:
        self._began = time.perf_counter()
        if self._listeners:
            stack = ExitStack()
            try:
                for listener in self._listeners:
                    stack.enter_context(listener(self._record) or nullcontext())
            except BaseException as exc:
                stack.__exit__(type(exc), exc, exc.__traceback__)
                raise
            self._stack = stack
        return self._record

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any) -> bool:
        record = self._record
        if exc is not None:
            record.error = redact(f"{type(exc).__name__}: {exc}")
        record.elapsed = time.perf_counter() - self._began
        record.result = _redacted(record.result)
        if self._stack is not None:
            return bool(self._stack.__exit__(kind, exc, tb))
        return False
