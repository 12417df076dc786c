"""The verdict log: one JSON object a line, written by the pytest plugin while a run goes, read by the CLI.

Records, in order: ``run`` (the edition, its requirements, the devices), then ``device`` (facts about a
device, once each) and ``test`` (one per finished test) as they happen, then ``end`` (pytest's exit
status). A reader can follow the file while it grows; a run that died leaves no ``end``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from harness.errors import ConfigError
from harness.reports.outcomes import Verdict


@dataclass(frozen=True)
class RequirementRow:
    """A requirement of the run's edition, as the matrix shows it."""

    id: str
    feature: str
    story: str
    section: str
    severity: str
    link: str


@dataclass(frozen=True)
class TestRecord:
    """What one test found. ``teardown_error`` is a teardown failure that did not change the verdict;
    ``worker`` the pytest-xdist worker that ran it (``gw0``...; empty without xdist)."""

    nodeid: str
    name: str
    device: str | None
    requirements: tuple[str, ...]
    verdict: Verdict
    message: str = ""
    duration: float = 0.0
    teardown_error: str = ""
    worker: str = ""


@dataclass(frozen=True)
class DeviceFacts:
    """What a device said about itself during the run."""

    id: str
    transport: str
    api_level: int
    os: str
    model: str


@dataclass
class RunVerdicts:
    """Everything the verdict log holds about one run."""

    edition: str = ""
    edition_title: str = ""
    profile: str = ""
    devices: list[str] = field(default_factory=list)
    requirements: list[RequirementRow] = field(default_factory=list)
    started: float = 0.0
    tests: list[TestRecord] = field(default_factory=list)
    facts: dict[str, DeviceFacts] = field(default_factory=dict)
    exitstatus: int | None = None

    def add(self, record: dict[str, Any]) -> TestRecord | None:
        """Take in one record; returns it as a :class:`TestRecord` when it is a test's."""
        kind = record.get("record")
        if kind == "run":
            self.edition = record["edition"]
            self.edition_title = record.get("edition_title", "")
            self.profile = record.get("profile", "")
            self.devices = list(record.get("devices", []))
            self.requirements = [RequirementRow(**row) for row in record.get("requirements", [])]
            self.started = float(record.get("started", 0.0))
        elif kind == "device":
            facts = DeviceFacts(**{k: v for k, v in record.items() if k != "record"})
            self.facts[facts.id] = facts
        elif kind == "test":
            test = TestRecord(
                nodeid=record["nodeid"],
                name=record["name"],
                device=record.get("device"),
                requirements=tuple(record.get("requirements", ())),
                verdict=Verdict(record["verdict"]),
                message=record.get("message", ""),
                duration=float(record.get("duration", 0.0)),
                teardown_error=record.get("teardown_error", ""),
                worker=record.get("worker", ""),
            )
            self.tests.append(test)
            return test
        elif kind == "end":
            self.exitstatus = int(record["exitstatus"])
        return None


class VerdictWriter:
    """Appends records to the log, flushed at once so that a reader sees each test as it ends."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: IO[str] = path.open("w", encoding="utf-8")

    def write(self, kind: str, **fields: Any) -> None:
        self._file.write(json.dumps({"record": kind, **fields}, default=_plain) + "\n")
        self._file.flush()

    def test(self, record: TestRecord) -> None:
        self.write("test", **asdict(record))

    def close(self) -> None:
        self._file.close()


def _plain(value: Any) -> Any:
    if isinstance(value, Verdict):
        return value.value
    raise TypeError(f"not JSON-serializable: {value!r}")


class VerdictTail:
    """Follows a growing verdict log: each call to :meth:`poll` returns the test records completed since."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.run = RunVerdicts()
        self._offset = 0
        self._partial = b""
        self._line = 0

    def poll(self) -> list[TestRecord]:
        if not self.path.exists():
            return []
        with self.path.open("rb") as log:
            log.seek(self._offset)
            data = log.read()
        self._offset += len(data)
        *lines, self._partial = (self._partial + data).split(b"\n")
        tests = []
        for line in lines:
            self._line += 1
            try:
                record = json.loads(line)
                test = self.run.add(record)
            except (ValueError, KeyError, TypeError) as exc:
                raise ConfigError(f"{self.path}, line {self._line}: not a verdict record ({exc})") from None
            if test is not None:
                tests.append(test)
        return tests


def read_verdicts(path: Path) -> RunVerdicts:
    """The whole log at ``path``; a ConfigError naming the file and line if it is not one."""
    if not path.is_file():
        raise ConfigError(f"no verdict log at {path}")
    tail = VerdictTail(path)
    tail.poll()
    return tail.run
