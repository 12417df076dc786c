"""The one-screen summary of a run and its exit status.

Exit statuses: 0 conformant, 1 deviations found, 2 infrastructure errors. 2 wins over 1: a run in
which the lab failed has an incomplete verdict, whatever else it found.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Iterable

from harness.reports.matrix import HOST, ConformanceMatrix
from harness.reports.outcomes import PRECEDENCE, TEST_VERDICTS, Verdict, without_exception_class
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
WRAP_WIDTH = 110
MESSAGE_INDENT = "      "


def not_run(matrix: ConformanceMatrix) -> int:
    """How many requirements of the edition went unchecked on at least one device of the run."""
    devices = [device for device in matrix.devices if device != HOST] or list(matrix.devices)
    return sum(
        any(matrix.cell(row.id, device).verdict is Verdict.NOT_RUN for device in devices)
        for row in matrix.requirements
    )


def verdict_line(code: int, matrix: ConformanceMatrix) -> str:
    """The run's verdict; PARTIAL when the selection left requirements unchecked."""
    unchecked = not_run(matrix)
    if not unchecked:
        return f"{VERDICT_LINES[code]} (exit {code})"
    partial = f"PARTIAL: {unchecked} of {len(matrix.requirements)} requirements not run"
    if code == EXIT_CONFORMANT:
        return f"{partial}; conformant in what ran (exit {code})"
    return f"{VERDICT_LINES[code]}; {partial} (exit {code})"


def wrapped(text: str, indent: str = MESSAGE_INDENT) -> list[str]:
    """The first line of ``text`` in full, wrapped between words (a long word is never broken)."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return textwrap.wrap(
        line, WRAP_WIDTH, initial_indent=indent, subsequent_indent=indent + "  ",
        break_long_words=False, break_on_hyphens=False,
    )  # fmt: skip


def message_lines(test: TestRecord) -> list[str]:
    """A test's message as the console shows it: the requirement ids first, then the answer in full."""
    if not test.message:
        return []
    ids = ", ".join(test.requirements)
    if test.verdict is Verdict.DEVIATION:
        answer = without_exception_class(test.message)
        return wrapped(f"{ids}: {answer}" if ids else answer)
    return wrapped(test.message)


def _listed(title: str, entries: list[tuple[str, list[str]]]) -> list[str]:
    """A titled list of (test, message lines) entries, cut at :data:`LIST_LIMIT`."""
    if not entries:
        return []
    lines = ["", f"{title} ({len(entries)})"]
    for nodeid, message in entries[:LIST_LIMIT]:
        lines.append(f"  {nodeid}")
        lines += message
    if len(entries) > LIST_LIMIT:
        lines.append(f"  … and {len(entries) - LIST_LIMIT} more (see the report)")
    return lines


def _deviating_requirements(tests: list[TestRecord]) -> list[str]:
    ids = sorted({rid for test in tests for rid in test.requirements})
    if not ids:
        return []
    return ["", f"Deviating requirements ({len(ids)})", *wrapped(", ".join(ids), "  ")]


def _known(tests: list[TestRecord]) -> list[str]:
    """Known deviations by waiver: how many tests, which requirements."""
    if not tests:
        return []
    by_waiver: dict[str, list[TestRecord]] = {}
    for test in tests:
        by_waiver.setdefault(test.message or "no waiver named", []).append(test)
    lines = ["", f"Known deviations (waived): {len(tests)} tests, {len(by_waiver)} deviations"]
    for waiver, waived in by_waiver.items():
        lines += wrapped(f"{len(waived)} × {waiver}", "  ")
        ids = sorted({rid for test in waived for rid in test.requirements})
        lines += wrapped("requirements: " + ", ".join(ids))
    return lines


def _skipped(tests: Iterable[TestRecord]) -> list[str]:
    reasons = Counter((test.message.strip().splitlines() or ["no reason given"])[0] for test in tests)
    if not reasons:
        return []
    lines = ["", f"Skipped ({sum(reasons.values())}), by reason"]
    for reason, count in reasons.most_common(LIST_LIMIT):
        lines += wrapped(f"{count} × {reason}", "  ")
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
    broken = [(t.nodeid, message_lines(t)) for t in by_verdict[Verdict.BROKEN]]
    broken += [
        (f"{t.nodeid} (teardown)", wrapped(t.teardown_error))
        for t in infrastructure_failures(run)
        if t.verdict is not Verdict.BROKEN
    ]
    deviations = by_verdict[Verdict.DEVIATION]
    lines += _listed("Deviations", [(t.nodeid, message_lines(t)) for t in deviations])
    lines += _deviating_requirements(deviations)
    lines += _listed("Infrastructure errors", broken)
    lines += _listed(
        "Stale waivers: the device conforms now, remove the waiver",
        [(t.nodeid, message_lines(t)) for t in by_verdict[Verdict.STALE_WAIVER]],
    )
    lines += _known(by_verdict[Verdict.KNOWN_DEVIATION])
    lines += _skipped(by_verdict[Verdict.SKIPPED])
    lines += _coverage(matrix)
    return lines
