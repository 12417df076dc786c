"""Progress callbacks as the suites read them: payloads in order, with waits that explain themselves."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness.errors import EventTimeout, SpecDeviation
from harness.shim.client import ShimClient
from harness.shim.values import Callback, render_value


class Progress:
    """The events of one session callback; every payload seen is kept in :attr:`seen`."""

    def __init__(self, shim: ShimClient, name: str, describe: Callable[[Any], str] = render_value) -> None:
        self.callback = Callback(name)
        self.seen: list[Any] = []
        self._shim = shim
        self._describe = describe

    def next(self, timeout: float | None = None) -> Any:
        """The next payload (the callback's first argument)."""
        payload = self._shim.wait_event(self.callback, timeout).arg
        self.seen.append(payload)
        return payload

    def until(self, done: Callable[[Any], bool], what: str, timeout: float | None = None) -> list[Any]:
        """Payloads up to and including the first for which ``done`` holds."""
        collected = []
        while True:
            try:
                payload = self.next(timeout)
            except EventTimeout as exc:
                got = ", ".join(self._describe(p) for p in collected) or "nothing"
                raise EventTimeout(f"waiting for {what}: got {got}, then {exc}") from None
            collected.append(payload)
            if done(payload):
                return collected

    def queued(self) -> list[Any]:
        """Payloads that arrived and were not read yet, without waiting."""
        payloads = [event.arg for event in self._shim.events(self.callback)]
        self.seen.extend(payloads)
        return payloads

    def expect_none_queued(self, why: str) -> None:
        extra = self.queued()
        if extra:
            raise SpecDeviation(f"{why}, but the callback received {[self._describe(p) for p in extra]}")
