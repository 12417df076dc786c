"""What the farm did with the coordinator, step by step, for the report (reserve, wait, acquire, release)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class LabStep:
    name: str
    start: float
    stop: float = 0.0
    status: str = "passed"  # passed | broken
    detail: str = ""


@dataclass
class LabSteps:
    steps: list[LabStep] = field(default_factory=list)

    @contextmanager
    def step(self, name: str) -> Iterator[LabStep]:
        """A step timed around the block; an exception marks it broken (and goes on)."""
        current = LabStep(name, time.time())
        self.steps.append(current)
        try:
            yield current
        except BaseException as exc:
            current.status = "broken"
            current.detail = current.detail or str(exc)
            raise
        finally:
            current.stop = time.time()

    def note(self, name: str, detail: str = "", status: str = "passed") -> None:
        now = time.time()
        self.steps.append(LabStep(name, now, now, status, detail))
