"""The Allure results folder: cleaned only when it holds nothing but Allure results; checked before use."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from harness.errors import ConfigError
from harness.reports.allure_meta import DEVIATION_LABEL, EDITION_LABEL

_ALLURE_FILE = re.compile(
    r"^(.+-(result|container|globals)\.json|.+-attachment(\.[\w.-]+)?"
    r"|categories\.json|environment\.(properties|xml)|executor\.json)$"
)


def replaceable_entries(path: Path) -> list[Path]:
    """What ``path`` holds, if only an Allure writer put it there; a ConfigError otherwise."""
    if not path.exists():
        return []
    if not path.is_dir():
        raise ConfigError(f"results folder {path} is a file")
    entries = list(path.iterdir())
    strangers = sorted(e.name for e in entries if e.is_dir() or not _ALLURE_FILE.match(e.name))
    if strangers:
        raise ConfigError(
            f"refusing to clean {path}: it holds files that are not Allure results "
            f"({', '.join(strangers[:3])}); give --results an empty or new folder"
        )
    return entries


def clean_results(path: Path) -> None:
    """Empty ``path`` for a new run, refusing if it holds anything an Allure writer did not put there."""
    for entry in replaceable_entries(path):
        entry.unlink()


@dataclass(frozen=True)
class ResultsScan:
    """What an ohos-hil results folder holds."""

    results: int
    editions: tuple[str, ...]
    started_ms: int
    deviations: tuple[str, ...] = ()  # the known deviations (waiver ids) the tests fall under


def scan_results(path: Path) -> ResultsScan:
    """Check that ``path`` holds results of an ohos-hil run; a ConfigError saying what is wrong if not."""
    if not path.is_dir():
        raise ConfigError(f"no results folder {path}: run `ohos-hil run` first, or give --results DIR")
    files = sorted(path.glob("*-result.json"))
    if not files:
        raise ConfigError(f"{path} holds no Allure results (*-result.json): run `ohos-hil run` first")
    editions: set[str] = set()
    deviations: set[str] = set()
    starts = []
    for file in files:
        try:
            result = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"{file}: not an Allure result ({exc})") from None
        if not isinstance(result, dict):
            raise ConfigError(f"{file}: not an Allure result (a JSON object was expected)")
        labels = [label for label in result.get("labels") or () if isinstance(label, dict)]
        editions.update(str(label.get("value")) for label in labels if label.get("name") == EDITION_LABEL)
        deviations.update(str(label.get("value")) for label in labels if label.get("name") == DEVIATION_LABEL)
        if isinstance(result.get("start"), int):
            starts.append(result["start"])
    if not editions:
        raise ConfigError(
            f"{path} holds {len(files)} Allure results, but none from ohos-hil (no test has a "
            f"{EDITION_LABEL!r} label); give --results the results folder of an ohos-hil run"
        )
    return ResultsScan(len(files), tuple(sorted(editions)), min(starts, default=0), tuple(sorted(deviations)))
