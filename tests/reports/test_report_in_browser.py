"""The generated report in a real browser: headless Chromium loads it from 127.0.0.1 and shows the run.

Screenshots of the overview and of the deviation's page are kept in reports/screenshots/.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_runs import DEVIATING_TITLE, PASSING_TITLE, CliRun

from harness.reports.allure3 import PROJECT_ROOT
from harness.reports.serve import serve_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = PROJECT_ROOT / "reports" / "screenshots"
BROWSER_TIMEOUT = 90.0

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


def _test_results(report: Path) -> dict[str, dict]:
    results = [json.loads(file.read_text()) for file in (report / "data" / "test-results").glob("*.json")]
    return {result["name"]: result for result in results}


def test_the_report_shows_the_runs_tests_and_their_statuses(reported_run: CliRun, tmp_path: Path):
    report = reported_run.paths.report
    deviating, passing = DEVIATING_TITLE, PASSING_TITLE
    results = _test_results(report)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    profile = tmp_path / "chromium-profile"
    with serve_report(report) as url:
        overview = _visible_text(
            _chromium(url, profile, "--dump-dom", f"--screenshot={SCREENSHOTS / 'report-overview.png'}")
        )
        deviation_url = url + "#/" + results[deviating]["id"]
        deviation_page = _visible_text(
            _chromium(
                deviation_url, profile, "--dump-dom", f"--screenshot={SCREENSHOTS / 'report-deviation.png'}"
            )
        )
        passing_page = _visible_text(_chromium(url + "#/" + results[passing]["id"], profile, "--dump-dom"))
        global_attachments = _visible_text(_chromium(url + "#/globalAttachments", profile, "--dump-dom"))
    assert "Total 2" in overview
    assert "Failed 1" in overview and "Passed 1" in overview
    assert re.search(
        r"@ohos\.file\.cloudSync [\d ]*GallerySync [\d ]*start errors [\d ]*" + re.escape(deviating), overview
    )
    assert f"{deviating} Failed" in deviation_page
    assert "Category: Spec deviations" in deviation_page
    assert "expected rejected error 22400003" in deviation_page
    for step in ("condition: battery: capacity=12 charging=False", "shim: GallerySync#h1.start() [promise]"):
        assert step in deviation_page
    for attachment in ("device info application/json", "hilog text/plain"):
        assert attachment in deviation_page
    assert f"{passing} Passed" in passing_page
    assert "Conformance matrix" in global_attachments
    for screenshot in ("report-overview.png", "report-deviation.png"):
        assert (SCREENSHOTS / screenshot).stat().st_size > 10_000
