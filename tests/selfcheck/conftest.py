"""The suite self-check prints its kill rate at the end of the run."""

from __future__ import annotations

import pytest

from harness.selfcheck import SelfCheckResult, format_table

RESULTS = pytest.StashKey[list[SelfCheckResult]]()


@pytest.fixture(scope="session")
def selfcheck_results(request: pytest.FixtureRequest) -> list[SelfCheckResult]:
    """Where the seeded-deviation tests leave their results for the summary."""
    return request.config.stash.setdefault(RESULTS, [])


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    results = config.stash.get(RESULTS, [])
    if results:
        terminalreporter.section("suite self-check: seeded deviations")
        terminalreporter.write_line(format_table(sorted(results, key=lambda r: r.deviation.name)))
