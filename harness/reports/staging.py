"""A run's outputs are written aside first; the previous run's stay until the new run ran tests.

`ohos-hil run` gives pytest the paths of a fresh folder next to the results folder. Only when tests
ran does :meth:`StagedRun.promote` replace the results folder and the files beside it; a run refused
by pytest (a usage error, nothing selected) or stopped before any test leaves the previous run as it was.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from types import TracebackType

from harness.reports.paths import ReportPaths
from harness.reports.results_dir import clean_results, replaceable_entries


class StagedRun:
    """A fresh folder for one run's outputs (``paths``), promoted over ``final`` or discarded."""

    def __init__(self, final: ReportPaths) -> None:
        replaceable_entries(final.results)  # a folder that may not be replaced is refused before the run
        self.final = final
        self._created_home = not final.home.exists()
        final.home.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=".ohos-hil-run-", dir=final.home))
        self.paths = ReportPaths(self.folder / final.results.name, final.report)

    def promote(self) -> None:
        """The staged results and files replace the previous run's (the history stays)."""
        clean_results(self.final.results)
        self.final.results.mkdir(parents=True, exist_ok=True)
        if self.paths.results.is_dir():
            for entry in self.paths.results.iterdir():
                shutil.move(entry, self.final.results / entry.name)
        for staged, final in zip(self.paths.run_outputs(), self.final.run_outputs(), strict=True):
            final.unlink(missing_ok=True)
            if staged.exists():
                shutil.move(staged, final)

    def discard(self) -> None:
        """Remove the staged folder (and the results' parent folder when this run made it and it is empty)."""
        shutil.rmtree(self.folder, ignore_errors=True)
        if self._created_home and not any(self.final.home.iterdir()):
            self.final.home.rmdir()

    def __enter__(self) -> StagedRun:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.discard()
