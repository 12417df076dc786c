"""Running the `ohos-hil` CLI in a child process, as a user does (shared by the report tests)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from harness.reports.paths import ReportPaths

CASES = Path(__file__).with_name("run_cases.py")
DEVIATING_TEST = "test_e2e_case_start_unplugged_at_12_percent_is_refused"  # a deviation on ohos-4.0
PASSING_TEST = "test_e2e_case_on_with_an_unknown_event_throws_401"
DEVIATING_TITLE = "E2e case start unplugged at 12 percent is refused"  # the tests' titles in the report
PASSING_TITLE = "E2e case on with an unknown event throws 401"
RUN_TIMEOUT = 180.0


@dataclass(frozen=True)
class CliRun:
    """What one `ohos-hil` command did."""

    exit_status: int
    stdout: str
    stderr: str
    paths: ReportPaths


def path_options(home: Path) -> list[str]:
    return ["--results", str(home / "allure-results"), "--report", str(home / "allure-report")]


def cases(keyword: str = "e2e_case") -> list[str]:
    """`ohos-hil run` options that run the tests of run_cases.py matching ``keyword``, and no suite test."""
    return ["-k", keyword, "--", str(CASES)]


def ohos_hil(
    *args: str, home: Path, env: dict[str, str] | None = None, timeout: float = RUN_TIMEOUT
) -> CliRun:
    """`ohos-hil ARGS...`; ``home`` is where its results and report go when ARGS say so."""
    done = subprocess.run(
        [sys.executable, "-m", "harness.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    paths = ReportPaths(home / "allure-results", home / "allure-report")
    return CliRun(done.returncode, done.stdout, done.stderr, paths)
