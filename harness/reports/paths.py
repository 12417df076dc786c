"""Where a run's outputs go: the Allure results and report, and, next to the results folder, the rest."""

from __future__ import annotations

import argparse
import shlex
from dataclasses import dataclass
from pathlib import Path

from harness.reports.history import HISTORY_LIMIT

DEFAULT_RESULTS = Path("reports/allure-results")
DEFAULT_REPORT = Path("reports/allure-report")


@dataclass(frozen=True)
class ReportPaths:
    """``results`` and ``report`` as given; the other files live in the results folder's parent."""

    results: Path
    report: Path

    @property
    def home(self) -> Path:
        return self.results.parent

    @property
    def junit(self) -> Path:
        return self.home / "junit.xml"

    @property
    def verdicts(self) -> Path:
        return self.home / "verdicts.jsonl"

    @property
    def matrix_markdown(self) -> Path:
        return self.home / "conformance-matrix.md"

    @property
    def matrix_json(self) -> Path:
        return self.home / "conformance-matrix.json"

    @property
    def history(self) -> Path:
        """Allure 3's history: one line per run; a regenerated run replaces its own line."""
        return self.home / "history.jsonl"

    @property
    def pytest_log(self) -> Path:
        return self.home / "pytest.log"

    def run_outputs(self) -> tuple[Path, ...]:
        """What a new run replaces (the history stays)."""
        return (self.junit, self.verdicts, self.matrix_markdown, self.matrix_json, self.pytest_log)


def _at_least_one(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError("the history keeps at least 1 run")
    return number


def open_command(paths: ReportPaths) -> str:
    """The `ohos-hil report --open` command line that shows these paths' report."""
    words = ["ohos-hil", "report", "--open"]
    if paths.results.resolve() != DEFAULT_RESULTS.resolve():
        words += ["--results", str(paths.results)]
    if paths.report.resolve() != DEFAULT_REPORT.resolve():
        words += ["--report", str(paths.report)]
    return " ".join(shlex.quote(word) for word in words)


def add_path_options(parser: argparse.ArgumentParser) -> None:
    """``--results``, ``--report`` and ``--history-limit``, shared by `ohos-hil run` and `ohos-hil report`."""
    parser.add_argument(
        "--results",
        type=Path,
        default=DEFAULT_RESULTS,
        help=f"Allure results folder (default {DEFAULT_RESULTS})",
    )
    parser.add_argument(
        "--report", type=Path, default=DEFAULT_REPORT, help=f"HTML report folder (default {DEFAULT_REPORT})"
    )
    parser.add_argument(
        "--history-limit",
        type=_at_least_one,
        default=HISTORY_LIMIT,
        metavar="N",
        help=f"runs the report's history keeps (default {HISTORY_LIMIT})",
    )
