"""The one-screen summary of a run and its exit status.

Exit statuses: 0 conformant, 1 deviations found, 2 infrastructure errors. 2 wins over 1: a run in
which the lab failed has an incomplete verdict, whatever else it found.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from harness.reports.matrix import ConformanceMatrix
from harness.reports.outcomes import PRECEDENCE, TEST_VERDICTS, Verdict
from harness.reports.verdict_log import RunVerdicts, TestRecord

EXIT_CONFORMANT = 0
EXIT_DEVIATIONS = 1
EXIT_INFRASTRUCTURE = 2
LIST_LIMIT = 8

COUNT_NAMES = {
    Verdict.PASS: "conformant",
    Verdict.DEVIATION: "deviations",
    Verdict.KNOWN_DEVIATION: "known deviations",
    Verdict.STALE_WAIVER: "stale waivers",
    Verdict.BROKEN: "infrastructure errors",
    Verdict.SKIPPED: "skipped",
}


def infrastructure_failures(run: RunVerdicts) -> list[TestRecord]:
    """Tests that broke, or whose teardown broke after they found something."""
    return [
        test
        for test in run.tests
        if test.verdict is Verdict.BROKEN or test.teardown_error.startswith(Verdict.BROKEN.value)
    ]


def exit_status(run: RunVerdicts) -> int:
    if infrastructure_failures(run) or run.exitstatus not in (0, 1):  # None: pytest never finished
        return EXIT_INFRASTRUCTURE
    if any(test.verdict is Verdict.DEVIATION for test in run.tests):
        return EXIT_DEVIATIONS
    return EXIT_CONFORMANT


VERDICT_LINES = {
    EXIT_CONFORMANT: "CONFORMANT",
    EXIT_DEVIATIONS: "DEVIATIONS FOUND",
    EXIT_INFRASTRUCTURE: "INCOMPLETE: infrastructure errors",
}


def _first_line(text: str, limit: int = 160) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _listed(title: str, entries: list[tuple[str, str]]) -> list[str]:
    """A titled list of (test, message) entries, cut at :data:`LIST_LIMIT`."""
    if not entries:
        return []
    lines = ["", f"{title} ({len(entries)})"]
    for nodeid, message in entries[:LIST_LIMIT]:
        lines.append(f"  {nodeid}")
        if message:
            lines.append(f"      {_first_line(message)}")
    if len(entries) > LIST_LIMIT:
        lines.append(f"  … and {len(entries) - LIST_LIMIT} more (see the report)")
    return lines


def _skipped(tests: Iterable[TestRecord]) -> list[str]:
    reasons = Counter(_first_line(test.message) or "no reason given" for test in tests)
    if not reasons:
        return []
    lines = ["", f"Skipped ({sum(reasons.values())}), by reason"]
    lines += [f"  {count} × {reason}" for reason, count in reasons.most_common(LIST_LIMIT)]
    if len(reasons) > LIST_LIMIT:
        lines.append(f"  … and {len(reasons) - LIST_LIMIT} more reasons")
    return lines


def _coverage(matrix: ConformanceMatrix) -> list[str]:
    lines = ["", f"Requirement coverage ({len(matrix.requirements)} requirements of {matrix.edition})"]
    width = max((len(device) for device in matrix.devices), default=0)
    for device in matrix.devices:
        counts = matrix.coverage(device)
        parts = [f"{counts[verdict]} {verdict.value}" for verdict in PRECEDENCE if counts[verdict]]
        lines.append(f"  {device:<{width}}  " + " · ".join(parts))
    return lines


def summary_lines(run: RunVerdicts, matrix: ConformanceMatrix) -> list[str]:
    """The counts, what needs attention, skips grouped by reason, and coverage per device."""
    by_verdict = {verdict: [t for t in run.tests if t.verdict is verdict] for verdict in TEST_VERDICTS}
    devices = ", ".join(matrix.devices) or "no device"
    tests = f"{len(run.tests)} test" + ("" if len(run.tests) == 1 else "s")
    lines = [f"ohos-hil run · {run.edition} · {devices} · {tests}", ""]
    width = max(len(name) for name in COUNT_NAMES.values())
    lines += [f"  {name:<{width}}  {len(by_verdict[verdict])}" for verdict, name in COUNT_NAMES.items()]
    broken = [(t.nodeid, t.message) for t in by_verdict[Verdict.BROKEN]]
    broken += [
        (f"{t.nodeid} (teardown)", t.teardown_error)
        for t in infrastructure_failures(run)
        if t.verdict is not Verdict.BROKEN
    ]
    lines += _listed("Deviations", [(t.nodeid, t.message) for t in by_verdict[Verdict.DEVIATION]])
    lines += _listed("Infrastructure errors", broken)
    lines += _listed(
        "Stale waivers: the device conforms now, remove the waiver",
        [(t.nodeid, t.message) for t in by_verdict[Verdict.STALE_WAIVER]],
    )
    waived = by_verdict[Verdict.KNOWN_DEVIATION]
    lines += _listed("Known deviations (waived)", [(t.nodeid, t.message) for t in waived])
    lines += _skipped(by_verdict[Verdict.SKIPPED])
    lines += _coverage(matrix)
    return lines
