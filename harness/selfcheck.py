"""The suite self-check: run the suites against emulated devices with seeded deviations.

Each seeded deviation of the emulator program (`ohos-hil-emulator deviations`) breaks the spec one
way. The suites *catch* it when the verdict log holds at least one DEVIATION; they *miss* it when
every test passes. A run with only broken (infrastructure) verdicts proves nothing and is an error.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from harness.child_pytest import run_parallel, run_seeded
from harness.emulator_program import SeededDeviationInfo, generated_deviations, seeded_deviations
from harness.packaged import SUITES

T = TypeVar("T")


@dataclass(frozen=True)
class SelfCheckResult:
    deviation: SeededDeviationInfo
    verdict: str  # "caught" | "missed" | "error" (harness.child_pytest)
    caught_by: str
    detail: str
    seconds: float = 0.0


def suite_path(observer: str) -> Path:
    """Where an observer (``suites/...``, as the emulator program names it) is on this host."""
    return SUITES.joinpath(*Path(observer).parts[1:])


def check_one(deviation: SeededDeviationInfo) -> SelfCheckResult:
    """Run the suites that observe the deviation (stopping at the first failure); judge the verdict log."""
    began = time.monotonic()
    run = run_seeded(deviation.name, [suite_path(path) for path in deviation.observers])
    test = run.deciding_test
    return SelfCheckResult(
        deviation, run.outcome, test.nodeid if test is not None else "", run.detail, time.monotonic() - began
    )


def run_selfcheck(
    names: Iterable[str] | None = None,
    jobs: int = 2,
    progress: Callable[[SelfCheckResult], None] | None = None,
) -> list[SelfCheckResult]:
    """Check every (or the named) seeded deviation, ``jobs`` suite runs at a time."""
    known = seeded_deviations()
    deviations = [known[name] for name in (names or sorted(known))]
    return run_parallel(check_one, deviations, jobs, progress)


def sample_of(items: list[T], sample: int | None, seed: int) -> list[T]:
    """``sample`` of ``items`` drawn with ``seed``, in their order (all of them when ``sample`` is None)."""
    if sample is None or sample >= len(items):
        return list(items)
    chosen = set(random.Random(seed).sample(range(len(items)), sample))  # noqa: S311 - a reproducible draw
    return [item for index, item in enumerate(items) if index in chosen]


def generated_selection(sample: int | None = None, seed: int = 0) -> list[SeededDeviationInfo]:
    """The generated deviations in listing order, or a sample of ``sample`` of them drawn with ``seed``."""
    return sample_of(list(generated_deviations().values()), sample, seed)


def run_generated(
    deviations: list[SeededDeviationInfo],
    jobs: int = 2,
    progress: Callable[[SelfCheckResult], None] | None = None,
) -> list[SelfCheckResult]:
    """Check generated deviations, ``jobs`` at a time (each run starts its own emulated device)."""
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


def format_generated(results: list[SelfCheckResult], wall_seconds: float) -> str:
    """Per family caught/total, the kill rate, the time, then every survivor and error (id: description)."""
    lines = [f"{'family':18} caught/total"]
    families = Counter(r.deviation.family for r in results)
    caught = Counter(r.deviation.family for r in results if r.verdict == "caught")
    for family in sorted(families):
        lines.append(f"{family:18} {caught[family]}/{families[family]}")
    mean = sum(r.seconds for r in results) / len(results) if results else 0.0
    lines.append(
        f"kill rate: {sum(caught.values())}/{len(results)} = {kill_rate(results):.1%}  "
        f"(wall {wall_seconds:.0f} s, {mean:.1f} s per deviation)"
    )
    for verdict, title in (("missed", "survivors"), ("error", "errors (not caught: only broken tests)")):
        chosen = [r for r in results if r.verdict == verdict]
        if chosen:
            lines.append(f"{title}: {len(chosen)}")
            lines.extend(f"  {r.deviation.name}: {r.deviation.description}  [{r.detail}]" for r in chosen)
    return "\n".join(lines)
