"""What the Allure results say, put in the words a person triaging a run reads.

- Set up and Tear down hold what did something: a fixture or finalizer that ran no step, attached
  nothing and did not fail is left out (the plugin's own ``_device_test_scope`` among them), and
  the finalizers left have their fixture's name and a real status.
- A failed test's message starts with the requirement ids it checks, without the exception class;
  a broken test's with the kind of infrastructure error (label ``infrastructure``).
- A known deviation (a waived requirement, xfail for pytest) is *failed* with a message that starts
  ``known deviation D1 ·``, which the report accepts (harness.reports.allure_meta.resolutions):
  the overview shows it apart from skips and from new deviations.

allure-pytest writes each result and container through the ``report_result`` and
``report_container`` hooks of allure-commons; :class:`ResultWording` runs first and edits them.
"""

from __future__ import annotations

import re
from typing import Any

import allure
import allure_commons
import pytest
from allure_commons.model2 import Label, Status, TestResult, TestResultContainer

from harness.errors import infrastructure_kind
from harness.reports.allure_meta import (
    DEVIATION_LABEL,
    INFRASTRUCTURE_LABEL,
    KNOWN_PREFIX,
    REQUIREMENT_LABEL,
)
from harness.reports.outcomes import without_exception_class

_XFAIL = re.compile(r"^XFAIL [^\n]*\n\n", re.S)
_WAIVER_ID = re.compile(rf"^XFAIL {KNOWN_PREFIX} ([^\s:]+)")


def _bare(message: str) -> str:
    """The exception's own words: without `XFAIL reason` and without the exception class."""
    return without_exception_class(_XFAIL.sub("", message, count=1))


def _labels(result: TestResult, name: str) -> list[str]:
    return [label.value for label in result.labels if label.name == name]


def reword(result: TestResult) -> None:
    """The message and status of one test result, as described in the module docstring."""
    details = result.statusDetails
    message = (details.message or "") if details is not None else ""
    requirements = ", ".join(_labels(result, REQUIREMENT_LABEL))
    if result.status == Status.SKIPPED and message.startswith(f"XFAIL {KNOWN_PREFIX}"):
        waived = _labels(result, DEVIATION_LABEL)
        found = _WAIVER_ID.match(message)
        if not waived and found:  # an xfail marker of the test's own: the id is in its reason
            waived = [found.group(1)]
            result.labels.append(Label(name=DEVIATION_LABEL, value=waived[0]))
        result.status = Status.FAILED
        details.message = f"{KNOWN_PREFIX} {', '.join(waived)} · {requirements}: {_bare(message)}"
    elif result.status == Status.FAILED and details is not None:
        details.message = f"{requirements}: {_bare(message)}" if requirements else _bare(message)
    elif result.status == Status.BROKEN and details is not None:
        kind = next(iter(_labels(result, INFRASTRUCTURE_LABEL)), "harness")
        details.message = f"{kind}: {_bare(message)}"


def _did_something(fixture: Any) -> bool:
    return bool(fixture.steps or fixture.attachments) or fixture.status not in (None, Status.PASSED)


def tidy(container: TestResultContainer) -> None:
    """Keep the fixtures and finalizers that did something; name finalizers after their fixture."""
    container.befores = [before for before in container.befores if _did_something(before)]
    afters = []
    for after in container.afters:
        if not _did_something(after):
            continue
        after.name = after.name.split("::", 1)[0]
        if after.status is None:
            after.status = Status.PASSED
        afters.append(after)
    container.afters = afters


class ResultWording:
    """allure-commons hooks that edit results and containers before the file writer sees them."""

    @allure_commons.hookimpl(tryfirst=True)
    def report_result(self, result: TestResult) -> None:
        reword(result)

    @allure_commons.hookimpl(tryfirst=True)
    def report_container(self, container: TestResultContainer) -> None:
        tidy(container)


def pytest_configure(config: pytest.Config) -> None:
    wording = ResultWording()
    allure_commons.plugin_manager.register(wording)
    config.add_cleanup(lambda: allure_commons.plugin_manager.unregister(wording))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A broken phase labels its test with the kind of infrastructure error (while the result is open)."""
    report = yield
    error = call.excinfo
    if error is not None and not error.errisinstance((pytest.skip.Exception, pytest.fail.Exception)):
        kind = infrastructure_kind(error.value)
        if kind and not item.stash.get(_LABELLED, False):
            item.stash[_LABELLED] = True
            allure.dynamic.label(INFRASTRUCTURE_LABEL, kind)
    return report


_LABELLED = pytest.StashKey[bool]()
