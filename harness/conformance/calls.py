"""API calls through the shim whose results know how to check themselves against the edition.

``obj.call("start", style="promise").expect_error(22400003, "rejected")`` raises a SpecDeviation
that names the call, what the edition requires and what the device did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness.errors import SpecDeviation
from harness.shim.client import RemoteObject, ShimClient, Style
from harness.shim.results import ErrorRoute, Outcome
from harness.shim.values import JsError, render_value
from harness.spec.model import Edition

SUCCESS_KIND = {"sync": "returned", "promise": "resolved", "callback": "callback"}


@dataclass(frozen=True)
class CallResult:
    """One call's title (for messages) and outcome."""

    title: str
    style: Style
    outcome: Outcome
    edition: Edition = field(repr=False)

    def expect_error(self, code: int, how: ErrorRoute) -> JsError:
        """The call failed by ``how`` (thrown / rejected / callback) with ``code`` and its message."""
        outcome = self.outcome
        expected = f"{how} error {code} ({self.edition.message(code)!r})"
        error = outcome.error
        if outcome.how != how or error is None:
            raise SpecDeviation(f"{self.title}: expected {expected}, got {outcome.summary()}")
        if not error.has_code or error.code != code:
            raise SpecDeviation(f"{self.title}: expected {expected}, got {how} {error.describe()}")
        if not self.edition.messages_match(code, error.message):
            raise SpecDeviation(
                f"{self.title}: error {code} has message {error.message!r}, expected "
                f"{self.edition.message(code)!r}"
            )
        return error

    def expect_ok(self) -> Any:
        """The call succeeded the way its style does (returned / resolved / called back without err)."""
        outcome = self.outcome
        if outcome.kind != SUCCESS_KIND[self.style] or outcome.failed:
            raise SpecDeviation(
                f"{self.title}: expected success ({SUCCESS_KIND[self.style]}), got {outcome.summary()}"
            )
        return outcome.value


class ApiObject:
    """An API object in the shim session whose calls return :class:`CallResult`."""

    def __init__(self, remote: RemoteObject, edition: Edition) -> None:
        self.remote = remote
        self._edition = edition

    def call(
        self, member: str, *args: Any, style: Style = "sync", timeout: float | None = None
    ) -> CallResult:
        outcome = self.remote.call(member, *args, style=style, timeout=timeout)
        title = f"{self.remote.cls}.{member}({', '.join(render_value(a, 30) for a in args)}) [{style}]"
        return CallResult(title, style, outcome, self._edition)


def construct(
    shim: ShimClient, edition: Edition, module: str, cls: str, *args: Any
) -> ApiObject | CallResult:
    """``new module[cls](*args)``: an ApiObject, or the CallResult of a constructor that threw."""
    created = shim.create(module, cls, *args)
    if isinstance(created, RemoteObject):
        return ApiObject(created, edition)
    title = f"new {cls}({', '.join(render_value(a, 30) for a in args)})"
    return CallResult(title, "sync", created, edition)
