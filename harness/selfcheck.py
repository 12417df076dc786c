"""The suite self-check: run the suites against emulated devices with seeded deviations.

Each seeded deviation of the emulator program (`ohos-hil-emulator deviations`) breaks the spec one
way. The suites *catch* it when at least one test fails with a spec deviation; they *miss* it
when every test passes. A run that ends in an infrastructure error proves nothing and is reported as such.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from harness.emulator_program import SeededDeviationInfo, seeded_deviations

REPO = Path(__file__).resolve().parents[1]
SUITE_TIMEOUT = 600.0
DEVIATION_TYPES = {"AssertionError", "assert", "harness.errors.SpecDeviation", "harness.errors.EventTimeout"}


@dataclass(frozen=True)
class SelfCheckResult:
    deviation: SeededDeviationInfo
    verdict: str  # "caught" | "missed" | "error"
    caught_by: str
    detail: str


def _first_failure(junit: Path) -> tuple[str, str]:
    """(test name, failure message) of the first failed test in a JUnit file."""
    for case in ET.parse(junit).iter("testcase"):  # noqa: S314 - our own pytest's JUnit file
        failure = case.find("failure")
        if failure is not None:
            return case.get("name", "?"), (failure.get("message") or "").splitlines()[0][:200]
    return "", ""


def check_one(deviation: SeededDeviationInfo, suites: Path = REPO / "suites") -> SelfCheckResult:
    """Run the suites (stopping at the first failure) against the seeded deviation."""
    with tempfile.TemporaryDirectory() as work:
        junit = Path(work) / "junit.xml"
        command = [
            sys.executable, "-m", "pytest", str(suites), "-q", "-x", "-p", "no:cacheprovider",
            "--emulator-seeded-deviation", deviation.name, f"--junitxml={junit}",
        ]  # fmt: skip
        completed = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=SUITE_TIMEOUT)
        tail = completed.stdout.strip().splitlines()[-1:] or [""]
        if completed.returncode == 0:
            return SelfCheckResult(deviation, "missed", "", tail[0])
        name, message = _first_failure(junit) if junit.exists() else ("", "")
        if completed.returncode == 1 and message.split(":", 1)[0].strip() in DEVIATION_TYPES:
            return SelfCheckResult(deviation, "caught", name, message)
        return SelfCheckResult(deviation, "error", name, message or tail[0])


def run_selfcheck(
    names: Iterable[str] | None = None,
    jobs: int = 2,
    progress: Callable[[SelfCheckResult], None] | None = None,
) -> list[SelfCheckResult]:
    """Check every (or the named) seeded deviation, ``jobs`` suite runs at a time."""
    known = seeded_deviations()
    deviations = [known[name] for name in (names or sorted(known))]
    results = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for result in pool.map(check_one, deviations):
            if progress is not None:
                progress(result)
            results.append(result)
    return results


def kill_rate(results: list[SelfCheckResult]) -> float:
    return sum(r.verdict == "caught" for r in results) / len(results) if results else 0.0


def format_table(results: list[SelfCheckResult]) -> str:
    lines = [f"{'seeded deviation':26} {'family':18} {'verdict':8} caught by"]
    for r in results:
        lines.append(f"{r.deviation.name:26} {r.deviation.family:18} {r.verdict:8} {r.caught_by or r.detail}")
    lines.append(
        f"kill rate: {sum(r.verdict == 'caught' for r in results)}/{len(results)} = {kill_rate(results):.0%}"
    )
    return "\n".join(lines)
