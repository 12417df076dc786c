"""Where a run's outputs go: the Allure results and report, and, next to the results folder, the rest."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

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


def add_path_options(parser: argparse.ArgumentParser) -> None:
    """``--results`` and ``--report``, as `ohos-hil run` and `ohos-hil report` share them."""
    parser.add_argument(
        "--results",
        type=Path,
        default=DEFAULT_RESULTS,
        help=f"Allure results folder (default {DEFAULT_RESULTS})",
    )
    parser.add_argument(
        "--report", type=Path, default=DEFAULT_REPORT, help=f"HTML report folder (default {DEFAULT_REPORT})"
    )
