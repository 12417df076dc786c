"""The suite self-check: run the suites against emulated devices with seeded deviations.

Each seeded deviation of the emulator program (`ohos-hil-emulator deviations`) breaks the spec one
way. The suites *catch* it when the verdict log holds at least one DEVIATION; they *miss* it when
every test passes. A run with only broken (infrastructure) verdicts proves nothing and is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from harness.child_pytest import run_parallel, run_seeded
from harness.emulator_program import SeededDeviationInfo, seeded_deviations


@dataclass(frozen=True)
class SelfCheckResult:
    deviation: SeededDeviationInfo
    verdict: str  # "caught" | "missed" | "error" (harness.child_pytest)
    caught_by: str
    detail: str


def check_one(deviation: SeededDeviationInfo) -> SelfCheckResult:
    """Run the suites (stopping at the first failure) against the seeded deviation; judge the verdict log."""
    run = run_seeded(deviation.name)
    test = run.deciding_test
    return SelfCheckResult(deviation, run.outcome, test.nodeid if test is not None else "", run.detail)


def run_selfcheck(
    names: Iterable[str] | None = None,
    jobs: int = 2,
    progress: Callable[[SelfCheckResult], None] | None = None,
) -> list[SelfCheckResult]:
    """Check every (or the named) seeded deviation, ``jobs`` suite runs at a time."""
    known = seeded_deviations()
    deviations = [known[name] for name in (names or sorted(known))]
    return run_parallel(check_one, deviations, jobs, progress)


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
