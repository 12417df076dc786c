"""The suites in a child pytest process, followed through its verdict log while it runs."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

from harness.reports.verdict_log import RunVerdicts, TestRecord, VerdictTail

POLL_INTERVAL = 0.1
STOP_TIMEOUT = 30.0


def run_suites(
    command: Sequence[str], cwd: Path, verdicts: Path, log: Path, on_test: Callable[[int, TestRecord], None]
) -> tuple[int, RunVerdicts]:
    """Run ``command`` (output to ``log``), calling ``on_test(number, test)`` for each test as it ends.

    Returns pytest's exit status and what the verdict log holds. On an interrupt the child (which
    got the terminal's SIGINT too) is given time to restore its devices before harder signals.
    """
    tail = VerdictTail(verdicts)
    with log.open("wb") as output:
        child = subprocess.Popen(
            command, cwd=cwd, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        try:
            while True:
                try:
                    child.wait(POLL_INTERVAL)
                    break
                except subprocess.TimeoutExpired:
                    _report(tail, on_test)
        except KeyboardInterrupt:
            _stop(child, (None, signal.SIGINT, signal.SIGTERM, signal.SIGKILL))
            raise
        except BaseException:
            _stop(child, (signal.SIGINT, signal.SIGTERM, signal.SIGKILL))
            raise
    _report(tail, on_test)
    return child.returncode, tail.run


def _report(tail: VerdictTail, on_test: Callable[[int, TestRecord], None]) -> None:
    new = tail.poll()
    for number, test in enumerate(new, start=len(tail.run.tests) - len(new) + 1):
        on_test(number, test)


def _stop(child: subprocess.Popen[bytes], signals: Sequence[signal.Signals | None]) -> None:
    """Send each signal in turn (``None``: only wait) until the child has ended."""
    for signum in signals:
        if signum is not None:
            child.send_signal(signum)
        try:
            child.wait(STOP_TIMEOUT)
            return
        except subprocess.TimeoutExpired:
            continue
