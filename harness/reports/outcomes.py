"""Verdicts: what one test found, and what a requirement gets on one device."""

from __future__ import annotations

import re
from enum import StrEnum


class Verdict(StrEnum):
    """A test's outcome class, or a conformance-matrix cell (``NOT_RUN`` only there).

    The value is what reports print; a :data:`PRECEDENCE` decides a cell checked by several tests.
    """

    DEVIATION = "DEVIATION"
    BROKEN = "broken"
    STALE_WAIVER = "stale waiver"
    KNOWN_DEVIATION = "known deviation"
    PASS = "pass"  # noqa: S105 (a verdict, not a password)
    SKIPPED = "skipped"
    NOT_RUN = "not run"


# Strongest first: a cell shows the strongest verdict among the tests that check its requirement.
PRECEDENCE: tuple[Verdict, ...] = tuple(Verdict)

TEST_VERDICTS: tuple[Verdict, ...] = tuple(v for v in Verdict if v is not Verdict.NOT_RUN)


def strongest(verdicts: list[Verdict]) -> Verdict:
    """The verdict a matrix cell shows for these test verdicts (``NOT_RUN`` when there are none)."""
    return min(verdicts, key=PRECEDENCE.index, default=Verdict.NOT_RUN)


_EXCEPTION_CLASS = re.compile(r"^(?:[A-Za-z_]\w*\.)*[A-Z]\w*: ")


def without_exception_class(message: str) -> str:
    """An exception's own words: ``harness.errors.SpecDeviation: got X`` → ``got X``."""
    return _EXCEPTION_CLASS.sub("", message, count=1)
