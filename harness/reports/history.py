"""Allure 3's history file (JSON lines, one per report), kept at one line per run, the last
:data:`HISTORY_LIMIT` runs (``--history-limit``).

Each report is named after its run; before a report is generated, the history it reads is the file
without that run's earlier line, so regenerating a run neither counts it twice nor compares it with
itself. The file is only replaced once a generation succeeded.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from harness.errors import ConfigError

HISTORY_LIMIT = 20  # runs kept in the history by default


def history_without(history: Path, report_name: str, staged: Path, limit: int = HISTORY_LIMIT) -> Path:
    """Write to ``staged`` the lines of ``history`` that belong to other runs, the newest
    ``limit - 1`` of them (Allure appends this run's); return ``staged``."""
    if limit < 1:
        raise ConfigError(f"the history keeps at least 1 run (got --history-limit {limit})")
    kept = []
    if history.exists():
        for number, line in enumerate(history.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                entry = None
            if not isinstance(entry, dict) or "name" not in entry:
                raise ConfigError(
                    f"{history}, line {number}: not an Allure history entry; "
                    "delete the file to start a new history"
                )
            if entry["name"] != report_name:
                kept.append(line + "\n")
    staged.write_text("".join(kept[-(limit - 1) :] if limit > 1 else []), encoding="utf-8")
    return staged


def keep_history(staged: Path, history: Path) -> None:
    """The staged history (with the new run appended by Allure) becomes the history."""
    history.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(staged, history)
