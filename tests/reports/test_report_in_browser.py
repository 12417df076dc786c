"""The generated report in a real browser: headless Chromium loads it from 127.0.0.1 and shows what a
person triaging a failing run needs (every suite on the ohos-4.0 profile, no waivers).

Screenshots of the overview, a failed test and the categories page are kept in reports/screenshots/.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_runs import CliRun

from harness.reports.serve import serve_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "reports" / "screenshots"
BROWSER_TIMEOUT = 90.0
DEVIATING_REQUIREMENT = "GallerySync.start.promise.E22400003"  # 4.0 refuses only below 10 %, not 15 %

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (CI installs it: apt-get install -y chromium)"
)


def _chromium(url: str, profile: Path, *mode: str) -> str:
    command = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
        "--hide-scrollbars", "--window-size=1400,1400", f"--user-data-dir={profile}",
        "--virtual-time-budget=10000", *mode, url,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=BROWSER_TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _visible_text(dom: str) -> str:
    """The words a reader sees: the body without scripts, styles and tags."""
    body = dom[dom.find("<body") :]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def _test_results(report: Path) -> list[dict]:
    return [json.loads(file.read_text()) for file in (report / "data" / "test-results").glob("*.json")]


def _steps(steps: list[dict]) -> list[dict]:
    """Every step, nested ones included (attachments are no steps)."""
    found = []
    for step in steps:
        if step.get("type") != "attachment":
            found += [step, *_steps(step.get("steps", []))]
    return found


def _requirements(result: dict) -> list[str]:
    return [label["value"] for label in result["labels"] if label["name"] == "requirement"]


def _counts(run: CliRun) -> tuple[int, int]:
    """(tests, spec deviations) of the run, from its verdict log: what the report must count."""
    records = [json.loads(line) for line in run.paths.verdicts.read_text(encoding="utf-8").splitlines()]
    tests = [record for record in records if record["record"] == "test"]
    return len(tests), sum(record["verdict"] == "DEVIATION" for record in tests)


def _deviating(results: list[dict]) -> dict:
    """The first failed test (by name) of the low-battery threshold that 4.0 moved."""
    failed = [r for r in results if r["status"] == "failed" and DEVIATING_REQUIREMENT in _requirements(r)]
    assert failed, "no failed test checks " + DEVIATING_REQUIREMENT
    return min(failed, key=lambda r: (r["name"], r["id"]))


@pytest.fixture(scope="module")
def pages(failing_suites_run: CliRun, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The visible text of the overview, the categories page, a failed and a passing test."""
    report = failing_suites_run.paths.report
    results = _test_results(report)
    failed = _deviating(results)
    passing = next(r for r in results if r["status"] == "passed" and r.get("setup"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    profile = tmp_path_factory.mktemp("chromium-profile")
    shown = {}
    with serve_report(report) as url:
        for name, fragment, screenshot in (
            ("overview", "", "report-overview.png"),
            ("categories", "#/categories", "report-categories.png"),
            ("failed", f"#/{failed['id']}", "report-failed-test.png"),
            ("passing", f"#/{passing['id']}", None),
        ):
            shot = [f"--screenshot={SCREENSHOTS / screenshot}"] if screenshot else []
            shown[name] = _chromium(url + fragment, profile, "--dump-dom", *shot)
    return shown


def test_the_overview_counts_the_failing_run(failing_suites_run: CliRun, pages: dict[str, str]):
    assert failing_suites_run.exit_status == 1, failing_suites_run.stdout + failing_suites_run.stderr
    overview = _visible_text(pages["overview"])
    tests, deviations = _counts(failing_suites_run)
    assert deviations > 0
    assert f"Total {tests}" in overview
    assert f"Failed {deviations}" in overview and f"Passed {tests - deviations}" in overview
    assert "Metadata" in overview and "spec_edition api10-doc" in overview
    for screenshot in ("report-overview.png", "report-categories.png", "report-failed-test.png"):
        assert (SCREENSHOTS / screenshot).stat().st_size > 10_000


def test_the_categories_page_shows_one_group_per_requirement(failing_suites_run: CliRun, pages):
    categories = _visible_text(pages["categories"])
    failed = [r for r in _test_results(failing_suites_run.paths.report) if r["status"] == "failed"]
    grouped_by = {_requirements(result)[-1] for result in failed}  # the group: its requirement label
    assert f"Spec deviations {_counts(failing_suites_run)[1]}" in categories
    shown = re.findall(r"requirement (\S+) \d+ \d+ ", categories)
    assert sorted(shown) == sorted(grouped_by)  # one group per requirement, each once
    assert "SpecDeviation" not in categories and "harness.errors" not in categories
    assert "Infrastructure errors" not in categories and "Known deviations" not in categories


def test_a_failed_test_says_which_requirement_it_broke(failing_suites_run: CliRun, pages):
    failed = _deviating(_test_results(failing_suites_run.paths.report))
    page = _visible_text(pages["failed"])
    assert f"{failed['name']} Failed" in page and "Category: Spec deviations" in page
    message = " ".join(failed["error"]["message"].split())
    assert message.startswith(", ".join(_requirements(failed)) + ": "), message
    assert f"Error {message[:120]}" in page
    assert "expected rejected error 22400003" in message
    assert 'data-testid="tree-leaf-status-broken"' not in pages["failed"]


def test_no_passing_test_shows_a_broken_step(failing_suites_run: CliRun, pages):
    passing = [r for r in _test_results(failing_suites_run.paths.report) if r["status"] == "passed"]
    tests, deviations = _counts(failing_suites_run)
    assert len(passing) == tests - deviations
    for result in passing:
        phases = [*result.get("setup", []), *result.get("teardown", [])]
        steps = _steps([*phases, *result["steps"]])
        assert {step["status"] for step in steps} <= {"passed"}, result["name"]
        assert not [f["name"] for f in phases if f["name"].startswith("_") or "::" in f["name"]]
        assert not [s["name"] for s in steps if "handshake" in s["name"]], result["name"]
    page = pages["passing"]
    assert 'data-testid="tree-leaf-status-passed"' in page
    for status in ("broken", "failed", "unknown", "skipped"):
        assert f'data-testid="tree-leaf-status-{status}"' not in page
    assert "Set up" in _visible_text(page) and "_device_test_scope" not in _visible_text(page)
