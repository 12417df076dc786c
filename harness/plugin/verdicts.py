"""Each test's verdict for the conformance matrix and the run summary (``--verdict-log FILE``).

Classification happens where the exception is known (``pytest_runtest_makereport``, also in xdist
workers) and travels on the report; the process that logs reports merges a test's phases into one
:class:`~harness.reports.verdict_log.TestRecord` and appends it to the log at once.

- failed with an ``AssertionError`` (``SpecDeviation``) or ``pytest.fail`` → DEVIATION
- failed or errored with any other exception → broken (infrastructure)
- xfailed (a waived requirement) → known deviation; xpassed → stale waiver
- skipped → skipped, with its reason
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from harness import __version__
from harness.plugin.hooks import requirement_ids
from harness.plugin.state import run_state
from harness.reports.outcomes import Verdict
from harness.reports.verdict_log import TestRecord, VerdictWriter

MESSAGE_LIMIT = 2000
FIXTURES_MODULE = "harness.plugin.fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("ohos-hil").addoption(
        "--verdict-log",
        metavar="FILE",
        default=None,
        help="write each test's verdict to FILE as JSON lines, as tests end (ohos-hil run reads it)",
    )


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    path = config.getoption("verdict_log")
    if path and not hasattr(config, "workerinput"):  # xdist workers send their reports to the controller
        writer = VerdictWriter(config.invocation_params.dir / path)
        config.pluginmanager.register(VerdictRecorder(config, writer), "ohos-hil-verdicts")


def plugin_device_id(item: pytest.Item) -> str | None:
    """The id of the device a test runs on, when its ``device`` is this plugin's fixture."""
    info = getattr(item, "_fixtureinfo", None)
    definitions = info.name2fixturedefs.get("device") if info is not None else None
    if not definitions or definitions[-1].func.__module__ != FIXTURES_MODULE:
        return None
    callspec = getattr(item, "callspec", None)
    device_id = callspec.params.get("device") if callspec is not None else None
    return device_id if isinstance(device_id, str) else None


def classify(report: pytest.TestReport, call: pytest.CallInfo[None]) -> tuple[Verdict, str]:
    """One phase's outcome class and message."""
    waiver = getattr(report, "wasxfail", None)
    if report.skipped:
        if waiver is not None:
            return Verdict.KNOWN_DEVIATION, waiver
        return Verdict.SKIPPED, _skip_reason(report)
    if report.passed:
        return (Verdict.STALE_WAIVER, waiver) if waiver is not None else (Verdict.PASS, "")
    if call.excinfo is None:  # a strict xfail that passed
        return Verdict.STALE_WAIVER, str(report.longrepr)
    message = call.excinfo.exconly()[:MESSAGE_LIMIT]
    if call.excinfo.errisinstance((AssertionError, pytest.fail.Exception)):
        return Verdict.DEVIATION, message
    return Verdict.BROKEN, message


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return reason.removeprefix("Skipped: ")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    verdict, message = classify(report, call)
    report.ohos_verdict = verdict.value
    report.ohos_message = message
    if report.when == "setup":
        report.ohos_requirements = requirement_ids(item)
        report.ohos_device = plugin_device_id(item)
        report.ohos_facts = _facts(item) if report.ohos_device else None
    return report


def _facts(item: pytest.Item) -> dict[str, Any] | None:
    """What the device already told about itself (never a device command from here)."""
    device = getattr(item, "funcargs", {}).get("device")
    info = vars(device).get("info") if device is not None else None  # `Device.info` once it was read
    if info is None:
        return None
    return {
        "id": device.id,
        "transport": device.transport.name,
        "api_level": info.api_level,
        "os": info.full_name,
        "model": info.model,
    }


class VerdictRecorder:
    """Merges the phases of each test into one record and appends it to the verdict log."""

    def __init__(self, config: pytest.Config, writer: VerdictWriter) -> None:
        self._writer = writer
        self._phases: dict[str, list[pytest.TestReport]] = {}
        self._devices_seen: set[str] = set()
        state = run_state(config)
        edition = state.edition
        writer.write(
            "run",
            edition=edition.id,
            edition_title=edition.title,
            profile=config.getoption("emulator_profile"),
            devices=state.registry.ids,
            requirements=[
                {
                    "id": r.id,
                    "feature": r.feature,
                    "story": r.story,
                    "section": r.section,
                    "severity": r.severity,
                    "link": edition.link(r),
                }
                for r in edition.requirements
            ],
            started=time.time(),
            harness=__version__,
        )

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if not hasattr(report, "ohos_verdict"):
            return
        phases = self._phases.setdefault(report.nodeid, [])
        phases.append(report)
        facts = getattr(report, "ohos_facts", None)
        if facts and facts["id"] not in self._devices_seen:
            self._devices_seen.add(facts["id"])
            self._writer.write("device", **facts)
        if report.when == "teardown":
            self._writer.test(merge(self._phases.pop(report.nodeid)))

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        self._writer.write("end", exitstatus=int(exitstatus), finished=time.time())
        self._writer.close()


def merge(phases: list[pytest.TestReport]) -> TestRecord:
    """One test's record from its setup, call and teardown reports (as Allure decides its status).

    A failed setup decides; otherwise the call does; a failed teardown turns a passing test (pass or
    stale waiver) into its own verdict and is otherwise kept as ``teardown_error``.
    """
    setup = phases[0]
    verdict, message = Verdict(setup.ohos_verdict), setup.ohos_message
    teardown_error = ""
    for report in phases[1:]:
        phase_verdict, phase_message = Verdict(report.ohos_verdict), report.ohos_message
        if report.when == "call" and verdict is Verdict.PASS:
            verdict, message = phase_verdict, phase_message
        elif report.when == "teardown" and report.failed:
            if verdict in (Verdict.PASS, Verdict.STALE_WAIVER):
                verdict, message = phase_verdict, phase_message
            else:
                teardown_error = f"{phase_verdict.value}: {phase_message}"
    return TestRecord(
        nodeid=setup.nodeid,
        name=setup.nodeid.rsplit("::", 1)[-1],
        device=getattr(setup, "ohos_device", None),
        requirements=tuple(getattr(setup, "ohos_requirements", ())),
        verdict=verdict,
        message=message,
        duration=round(sum(report.duration for report in phases), 3),
        teardown_error=teardown_error,
        worker=getattr(setup, "worker_id", ""),
    )
