"""The one way to run a child pytest: always with a verdict log, judged from that log.

Every caller that starts pytest as a child process (the run command, the self-check, traceability,
the project's own tests) goes through :func:`follow` or :func:`run_child`. The child writes each
test's verdict (``--verdict-log``); what the run *found* is read from there, never from pytest's
exit status or JUnit messages alone:

- ``caught``: at least one test found a spec deviation (a DEVIATION verdict);
- ``missed``: pytest passed (exit 0) and no test broke;
- ``error``: only broken (infrastructure) verdicts, no verdicts, or the run died or timed out. A
  seeded deviation that only breaks tests is *not* caught: it proves nothing about the suites.

Children are separate processes, each starting its own emulated device, so :func:`run_parallel`
runs several at once from a thread pool.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from harness.packaged import SUITES
from harness.reports.outcomes import Verdict
from harness.reports.verdict_log import RunVerdicts, TestRecord, VerdictTail

POLL_INTERVAL = 0.1
STOP_TIMEOUT = 30.0
RUN_TIMEOUT = 900.0
OUTPUT_TAIL = 40
CAUGHT, MISSED, ERROR = "caught", "missed", "error"
NO_CACHE = ("-p", "no:cacheprovider")

T = TypeVar("T")
R = TypeVar("R")


def pytest_command(arguments: Sequence[str], verdicts: Path) -> list[str]:
    """``python -m pytest ARGUMENTS --verdict-log VERDICTS`` with this interpreter."""
    return [sys.executable, "-m", "pytest", *arguments, "--verdict-log", str(verdicts)]


def follow(
    arguments: Sequence[str],
    cwd: Path,
    verdicts: Path,
    log: Path,
    on_test: Callable[[int, TestRecord], None] | None = None,
    timeout: float | None = None,
) -> tuple[int | None, RunVerdicts]:
    """Run pytest with ``arguments`` (output to ``log``), calling ``on_test(number, test)`` as tests end.

    Returns pytest's exit status (``None`` when it was stopped after ``timeout`` seconds) and what
    the verdict log holds. On an interrupt the child (which got the terminal's SIGINT too) is given
    time to restore its devices before harder signals.
    """
    tail = VerdictTail(verdicts)
    report = on_test or (lambda number, test: None)
    with log.open("wb") as output:
        child = subprocess.Popen(
            pytest_command(arguments, verdicts),
            cwd=cwd,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            finished = _wait(child, tail, report, timeout)
        except KeyboardInterrupt:
            _stop(child, (None, signal.SIGINT, signal.SIGTERM, signal.SIGKILL))
            raise
        except BaseException:
            _stop(child, (signal.SIGINT, signal.SIGTERM, signal.SIGKILL))
            raise
    _report(tail, report)
    return (child.returncode if finished else None), tail.run


def _wait(
    child: subprocess.Popen[bytes],
    tail: VerdictTail,
    report: Callable[[int, TestRecord], None],
    timeout: float | None,
) -> bool:
    """Wait for the child, reporting tests as they end; False when it was stopped at ``timeout``."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        try:
            child.wait(POLL_INTERVAL)
            return True
        except subprocess.TimeoutExpired:
            _report(tail, report)
            if deadline is not None and time.monotonic() >= deadline:
                _stop(child, (signal.SIGINT, signal.SIGTERM, signal.SIGKILL))
                return False


def _report(tail: VerdictTail, on_test: Callable[[int, TestRecord], None]) -> None:
    new = tail.poll()
    for number, test in enumerate(new, start=len(tail.run.tests) - len(new) + 1):
        on_test(number, test)


def _stop(child: subprocess.Popen[bytes], signals: Sequence[signal.Signals | None]) -> None:
    """Send each signal in turn (``None``: only wait) until the child has ended."""
    for signum in signals:
        if signum is not None and child.poll() is None:
            child.send_signal(signum)
        try:
            child.wait(STOP_TIMEOUT)
            return
        except subprocess.TimeoutExpired:
            continue


@dataclass(frozen=True)
class ChildRun:
    """A finished child pytest: its exit status (``None``: timed out), its verdicts, its output's end."""

    exitstatus: int | None
    verdicts: RunVerdicts
    output: str

    def with_verdict(self, verdict: Verdict) -> list[TestRecord]:
        return [test for test in self.verdicts.tests if test.verdict is verdict]

    @property
    def outcome(self) -> str:
        """``caught``, ``missed`` or ``error`` (see the module's docstring)."""
        if self.with_verdict(Verdict.DEVIATION):
            return CAUGHT
        if self.exitstatus == 0 and self.verdicts.exitstatus == 0 and not self.with_verdict(Verdict.BROKEN):
            return MISSED
        return ERROR

    @property
    def deciding_test(self) -> TestRecord | None:
        """The first deviating test, else the first broken one."""
        found = self.with_verdict(Verdict.DEVIATION) or self.with_verdict(Verdict.BROKEN)
        return found[0] if found else None

    @property
    def detail(self) -> str:
        """One line: the deciding test's message, or why the run says nothing."""
        test = self.deciding_test
        if test is not None:
            return (test.message.strip().splitlines() or [""])[0][:200]
        if self.exitstatus is None:
            return "the child pytest timed out"
        if not self.verdicts.edition:
            return f"pytest exit {self.exitstatus} without verdicts: {self.last_line}"
        return self.last_line

    @property
    def last_line(self) -> str:
        lines = self.output.strip().splitlines()
        return lines[-1] if lines else ""


def run_child(
    arguments: Sequence[str],
    cwd: Path = SUITES.parent,
    timeout: float = RUN_TIMEOUT,
    verdicts: Path | None = None,
) -> ChildRun:
    """Run pytest with ``arguments`` to its end, its verdict log in ``verdicts`` (or a temporary file)."""
    with tempfile.TemporaryDirectory(prefix="ohos-hil-child-") as work:
        log = Path(work) / "pytest.log"
        path = verdicts if verdicts is not None else Path(work) / "verdicts.jsonl"
        status, run = follow([*arguments, *NO_CACHE], cwd, path, log, timeout=timeout)
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    return ChildRun(status, run, "\n".join(lines[-OUTPUT_TAIL:]))


def run_seeded(
    name: str,
    suite_files: Iterable[str | Path] = (),
    stop_at_first: bool = True,
    timeout: float = RUN_TIMEOUT,
) -> ChildRun:
    """The suites (or only ``suite_files``) against an emulated device with seeded deviation ``name``.

    ``stop_at_first`` ends the run at the first failing test (``-x``), which is all a self-check needs.
    """
    files = [str(path) for path in suite_files] or [str(SUITES)]
    arguments = [*files, "-q", "--emulator-seeded-deviation", name]
    return run_child([*arguments, "-x"] if stop_at_first else arguments, timeout=timeout)


def run_parallel(
    function: Callable[[T], R],
    items: Iterable[T],
    jobs: int = 2,
    progress: Callable[[R], None] | None = None,
) -> list[R]:
    """``function`` over ``items``, ``jobs`` at a time (each call runs its own child processes), in order."""
    results = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for result in pool.map(function, items):
            if progress is not None:
                progress(result)
            results.append(result)
    return results
