"""For every project test: a state folder of its own (restore journals and device leases of
inventory devices), so that test runs never share, wait for or restore each other's devices; the
scheduling of ``make test``'s xdist workers; the self-check's kill-rate table."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from typing import Any

import pytest
from xdist.scheduler import LoadScopeScheduling

from harness.emulator_program import SeededDeviationInfo
from harness.selfcheck import SelfCheckResult, format_table

STATE = tempfile.mkdtemp(prefix="ohos-hil-tests-state-")


def pytest_configure(config: pytest.Config) -> None:
    os.environ["XDG_STATE_HOME"] = STATE  # child processes (ohos-hil runs, holders) inherit it


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(STATE, ignore_errors=True)


# Modules whose tests are each a long, independent child run: spread test by test over the workers.
SPLIT_BY_TEST = frozenset(
    {
        "tests/selfcheck/test_seeded_deviations.py",
        "tests/selfcheck/test_generated_deviations.py",
        "tests/selfcheck/test_transports.py",
    }
)


class ProjectTestScheduling(LoadScopeScheduling):
    """A module's tests on one worker (its module fixtures, often an emulator or a child run, are
    made once), except the modules of SPLIT_BY_TEST, whose tests go to whichever worker is free."""

    def _split_scope(self, nodeid: str) -> str:
        module = nodeid.split("::", 1)[0]
        return nodeid if module in SPLIT_BY_TEST else module


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> LoadScopeScheduling | None:
    """``make test`` (``-n 2 --dist loadscope``) schedules the project's tests as above; other runs
    below tests/ (a farm case run by a test) keep the plugin's scheduling by device."""
    if config.getoption("dist") != "loadscope":
        return None
    return ProjectTestScheduling(config, log)


# The suite self-check's kill rate at the end of the run; here (not in tests/selfcheck/) so that the
# xdist controller, which collects nothing, has the hook too.
PROPERTY = "ohos_hil_selfcheck"


@pytest.fixture
def record_selfcheck(record_property):
    """Records a seeded deviation's result on the test's report, for the summary in the controller."""

    def record(result: SelfCheckResult) -> None:
        deviation = result.deviation
        fields = {"name": deviation.name, "family": deviation.family, "description": deviation.description}
        record_property(PROPERTY, json.dumps([fields, result.verdict, result.caught_by, result.detail]))

    return record


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    results = []
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            for name, value in report.user_properties:
                if name == PROPERTY:
                    fields, verdict, caught_by, detail = json.loads(value)
                    results.append(SelfCheckResult(SeededDeviationInfo(**fields), verdict, caught_by, detail))
    if results:
        terminalreporter.section("suite self-check: seeded deviations")
        terminalreporter.write_line(format_table(sorted(results, key=lambda r: r.deviation.name)))
