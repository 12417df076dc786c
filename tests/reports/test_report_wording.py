"""What the Allure results of a run say: one shim start-up step, no internal fixtures, real statuses,
titles as sentences, messages that name the requirement, categories by meaning."""

from __future__ import annotations

import json
import re
from pathlib import Path

import allure_commons.model2 as model
import pytest
from allure_commons.model2 import Label, Status, StatusDetails
from cli_runs import DEVIATING_TITLE, PASSING_TITLE, CliRun

from harness.errors import (
    ConnectionLost,
    DeviceHealthError,
    LeaseError,
    ShimError,
    SpecDeviation,
    TransportTimeout,
    infrastructure_kind,
)
from harness.plugin.allure_results import reword, tidy
from harness.plugin.reporting import sentence_of
from harness.reports.allure_meta import CATEGORIES, METADATA_WIDTH, allure2_categories, resolutions

SHIM_START = re.compile(r"^shim: start com\.ohoshil\.shim, ready in \d+ ms after \d+ tr(y|ies)$")


def _results(results: Path) -> dict[str, dict]:
    found = [json.loads(file.read_text()) for file in results.glob("*-result.json")]
    return {result["name"]: result for result in found}


def _fixtures(results: Path, uuid: str) -> tuple[list[dict], list[dict]]:
    """The befores and afters of the containers that hold the test ``uuid``."""
    befores, afters = [], []
    for file in results.glob("*-container.json"):
        container = json.loads(file.read_text())
        if uuid in container.get("children", ()):
            befores += container.get("befores", [])
            afters += container.get("afters", [])
    return befores, afters


def _steps(steps: list[dict]) -> list[dict]:
    return [s for step in steps for s in (step, *_steps(step.get("steps", [])))]


def test_set_up_shows_one_shim_start_and_no_internal_fixture(reported_run: CliRun):
    results = reported_run.paths.results
    for title, result in _results(results).items():
        befores, afters = _fixtures(results, result["uuid"])
        names = [fixture["name"] for fixture in befores + afters]
        assert not [name for name in names if name.startswith("_") or "::" in name], (title, names)
        steps = _steps([*befores, *afters, *result.get("steps", [])])
        assert all(step["status"] == "passed" for step in steps), (title, steps)
        assert all(fixture["status"] == "passed" for fixture in befores + afters), title
        assert not [step for step in steps if "handshake" in step["name"]], title
        starts = [step["name"] for step in steps if step["name"].startswith("shim: start")]
        assert len(starts) == 1 and SHIM_START.match(starts[0]), starts
        (cloudsync,) = [fixture for fixture in befores if fixture["name"] == "cloudsync"]
        assert SHIM_START.match(cloudsync["steps"][-1]["name"])


def test_titles_are_sentences_and_a_deviation_names_its_requirements(reported_run: CliRun):
    results = _results(reported_run.paths.results)
    assert set(results) == {DEVIATING_TITLE, PASSING_TITLE}
    failed = results[DEVIATING_TITLE]
    message = failed["statusDetails"]["message"]
    requirements = "GallerySync.start.promise.E22400003, ErrorType.note.start-refused-low-battery"
    assert message.startswith(f"{requirements}: GallerySync.start() [promise]: expected rejected error")
    assert "SpecDeviation" not in message and "harness.errors" not in message
    assert "SpecDeviation" in failed["statusDetails"]["trace"]  # the trace keeps the whole story
    assert failed["fullName"].endswith("#test_e2e_case_start_unplugged_at_12_percent_is_refused")


def test_a_title_is_a_sentence_of_the_name():
    assert sentence_of("test_start_unplugged_below_15_percent_is_refused") == (
        "Start unplugged below 15 percent is refused"
    )


def _result(status: str, message: str, *labels: tuple[str, str]) -> model.TestResult:
    return model.TestResult(
        name="t",
        status=status,
        statusDetails=StatusDetails(message=message, trace="trace"),
        labels=[Label(name=name, value=value) for name, value in labels],
    )


def test_a_waived_failure_becomes_a_known_deviation_that_the_report_accepts():
    result = _result(
        Status.SKIPPED,
        "XFAIL known deviation D1: start() is refused only below 10 % (docs)\n\n"
        "harness.errors.SpecDeviation: expected rejected error 22400003, got fulfilled",
        ("requirement", "GallerySync.start.promise.E22400003"),
        ("deviation", "D1"),
    )
    reword(result)
    assert result.status == Status.FAILED
    assert result.statusDetails.message == (
        "known deviation D1 · GallerySync.start.promise.E22400003: expected rejected error 22400003, "
        "got fulfilled"
    )
    (rule,) = resolutions(("D1",), Path("/tmp/known.json"))["rules"]
    assert rule["resolution"] == "accepted" and re.match(rule["messageRegexp"], result.statusDetails.message)
    assert not re.match(rule["messageRegexp"], "known deviation D10 · x: y")


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (ConnectionLost("the shim closed the connection"), "transport lost"),
        (TransportTimeout("no answer"), "timeout"),
        (ShimError("no handshake"), "shim"),
        (DeviceHealthError("not booted"), "device health"),
        (LeaseError("held by pid 7 on host h since 10:00"), "lease"),
        (KeyError("x"), "harness"),
        (SpecDeviation("x"), ""),
    ],
)
def test_infrastructure_errors_are_named_by_kind(error, kind):
    assert infrastructure_kind(error) == kind


def test_a_broken_test_says_its_kind_without_the_exception_class():
    result = _result(
        Status.BROKEN,
        "harness.errors.ConnectionLost: [emu-0001/hdc] gone",
        ("infrastructure", "transport lost"),
    )
    reword(result)
    assert result.statusDetails.message == "transport lost: [emu-0001/hdc] gone"


def test_containers_keep_what_did_something_with_a_real_status():
    step = model.TestStepResult(name="restore: battery", status=Status.PASSED)
    container = model.TestResultContainer(
        befores=[
            model.TestBeforeResult(name="_device_test_scope", status=Status.PASSED),
            model.TestBeforeResult(name="cloudsync", status=Status.PASSED, steps=[step]),
        ],
        afters=[
            model.TestAfterResult(name="spec::<lambda>"),
            model.TestAfterResult(name="battery::1", steps=[step]),
            model.TestAfterResult(name="_device_test_scope::1", status=Status.BROKEN),
        ],
    )
    tidy(container)
    assert [b.name for b in container.befores] == ["cloudsync"]
    assert [(a.name, a.status) for a in container.afters] == [
        ("battery", Status.PASSED),
        ("_device_test_scope", Status.BROKEN),
    ]


def test_categories_group_by_requirement_deviation_and_kind():
    by_name = {category["name"]: category for category in CATEGORIES}
    assert by_name["Spec deviations"]["groupBy"] == [{"label": "requirement"}]
    assert by_name["Known deviations"]["groupBy"] == [{"label": "deviation"}, {"label": "requirement"}]
    assert by_name["Infrastructure errors"]["groupBy"] == [{"label": "infrastructure"}]
    assert not any(category["groupByMessage"] for category in CATEGORIES)
    assert [c["name"] for c in allure2_categories()] == [c["name"] for c in CATEGORIES]


def test_metadata_values_are_short_enough_to_be_shown_whole(reported_run: CliRun):
    lines = (reported_run.paths.results / "environment.properties").read_text().splitlines()
    environment = dict(line.split("=", 1) for line in lines)
    assert environment["spec_edition"] == "api10-doc"
    assert environment["emu-0001"] == "API 10 over hdc"
    assert environment["emu-0001.os"].startswith("OpenHarmony-")
    assert all(len(value) <= METADATA_WIDTH for value in environment.values()), environment
    widget = json.loads((reported_run.paths.report / "widgets" / "allure_environment.json").read_text())
    assert {item["name"]: item["values"] for item in widget} == {k: [v] for k, v in environment.items()}
