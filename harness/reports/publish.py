"""Turning a run into what people read: the conformance matrix, the Allure metadata, the HTML report."""

from __future__ import annotations

import platform
import shutil
import tempfile
import time
from pathlib import Path

from harness import __version__
from harness.errors import ConfigError
from harness.reports.allure3 import Allure3
from harness.reports.allure_meta import (
    CATEGORIES,
    environment,
    resolutions,
    write_categories,
    write_environment,
    write_executor,
    write_matrix_attachments,
)
from harness.reports.history import HISTORY_LIMIT, history_without, keep_history
from harness.reports.matrix import ConformanceMatrix, build_matrix, matrix_json, matrix_markdown
from harness.reports.paths import ReportPaths
from harness.reports.results_dir import ResultsScan, scan_results
from harness.reports.verdict_log import RunVerdicts

# Results grouped as the spec is: module (epic) → API area (feature) → story.
GROUP_BY = ["epic", "feature", "story"]


def versions(allure: Allure3 | None) -> dict[str, str]:
    """The tool versions a report records (node and allure only when the report is generated)."""
    items = {"harness": f"ohos-hil {__version__}", "python": platform.python_version()}
    if allure is not None:
        items["node"] = allure.node_version()
        items["allure"] = allure.version
    return items


def write_run_files(paths: ReportPaths, run: RunVerdicts, tool_versions: dict[str, str]) -> ConformanceMatrix:
    """The matrix (Markdown, JSON, and inside the results for the report), environment and categories."""
    matrix = build_matrix(run)
    paths.matrix_markdown.write_text(matrix_markdown(matrix), encoding="utf-8")
    paths.matrix_json.write_text(matrix_json(matrix), encoding="utf-8")
    if paths.results.is_dir():
        write_environment(paths.results, environment(run, tool_versions))
        write_categories(paths.results)
        write_matrix_attachments(paths.results, matrix, int(run.started * 1000))
    return matrix


def report_name(scan: ResultsScan) -> str:
    """One name per run (its editions and when its first test started): the history's key too."""
    started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(scan.started_ms / 1000))
    return f"ohos-hil · {', '.join(scan.editions)} · {started}"


def _check_replaceable(report: Path) -> None:
    if report.exists() and (
        not report.is_dir() or (any(report.iterdir()) and not (report / "index.html").exists())
    ):
        raise ConfigError(
            f"refusing to replace {report}: it is not an Allure report; give --report a new folder"
        )


def generate_report(paths: ReportPaths, allure: Allure3, history_limit: int = HISTORY_LIMIT) -> Path:
    """The HTML report of ``paths.results`` in ``paths.report`` (replaced only once the new one is made),
    with the history of the runs before (the last ``history_limit`` runs); returns its index.html."""
    scan = scan_results(paths.results)
    name = report_name(scan)
    write_executor(paths.results, name)
    write_categories(paths.results)
    _check_replaceable(paths.report)
    paths.report.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".ohos-hil-report-", dir=paths.report.parent) as tmp:
        work = Path(tmp)
        staged_history = history_without(paths.history, name, work / "history.jsonl", history_limit)
        config = {
            "name": name,
            "historyPath": str(staged_history),
            "categories": CATEGORIES,
            "resolutions": resolutions(scan.deviations, work / "known-issues.json"),
            "plugins": {"awesome": {"options": {"reportName": name, "groupBy": GROUP_BY}}},
        }
        allure.generate(paths.results, work / "report", config, work)
        keep_history(staged_history, paths.history)
        if paths.report.exists():
            shutil.rmtree(paths.report)
        shutil.move(work / "report", paths.report)
    return paths.report / "index.html"
