"""Which tests check which requirement: the suites' `requirement` markers against the edition."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from harness.child_pytest import run_child
from harness.errors import ConfigError
from harness.packaged import SUITES
from harness.spec.model import Edition

COLLECT_TIMEOUT = 300.0


@dataclass(frozen=True)
class Coverage:
    """Tests per requirement id, in the edition's order (an empty tuple: not checked by any test)."""

    edition: Edition
    tests: dict[str, tuple[str, ...]]
    unlabelled: tuple[str, ...]
    """Collected tests that name no requirement."""

    @property
    def untested(self) -> list[str]:
        return [rid for rid, tests in self.tests.items() if not tests]

    def format_table(self) -> str:
        width = max(len(rid) for rid in self.tests)
        lines = [f"{'requirement':{width}}  tests  first test"]
        for rid, tests in self.tests.items():
            first = tests[0].split("::", 1)[-1] if tests else "NOT CHECKED"
            lines.append(f"{rid:{width}}  {len(tests):5}  {first}")
        checked = len(self.tests) - len(self.untested)
        lines.append(
            f"{checked}/{len(self.tests)} requirements of {self.edition.id} are checked by at least one test"
        )
        return "\n".join(lines)


def collect_coverage(edition: Edition, suites: Path = SUITES) -> Coverage:
    """Collect the suites (no test runs) and map every requirement of the edition to its tests."""
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / "requirements.json"
        arguments = [str(suites), "--collect-only", "-q", f"--spec-edition={edition.path}"]
        collected = run_child([*arguments, f"--requirements-json={dump}"], timeout=COLLECT_TIMEOUT)
        if collected.verdicts.exitstatus != 0 or not dump.exists():
            raise ConfigError(f"collecting {suites} failed:\n{collected.output}")
        by_test: dict[str, list[str]] = json.loads(dump.read_text(encoding="utf-8"))
    tests: dict[str, list[str]] = {r.id: [] for r in edition.requirements}
    for nodeid, ids in by_test.items():
        for rid in ids:
            tests[rid].append(nodeid)
    unlabelled = tuple(nodeid for nodeid, ids in by_test.items() if not ids)
    return Coverage(edition, {rid: tuple(nodeids) for rid, nodeids in tests.items()}, unlabelled)
