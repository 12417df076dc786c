"""Which run on this host holds which labgrid places: a record per run, so that a later run can tell
a place held by a live run from one left acquired by a run that was killed (SIGKILL, power loss).

labgrid knows only the owner (``host/user``) of an acquired place; the record adds the process. It
is written before the first place is acquired and removed once every place is released.
"""

from __future__ import annotations

import json
import os
import re
import socket
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

MAX_RECORD_BYTES = 64 * 1024


def holders_dir(coordinator: str) -> Path:
    state_home = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return state_home / "ohos-hil" / "labgrid" / re.sub(r"[^A-Za-z0-9.-]", "_", coordinator)


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class HolderRecord:
    """One run: its process, when it started, the places it acquired and its reservation tokens."""

    pid: int
    host: str
    started: float
    places: list[str] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)

    def describe(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.started))
        return f"ohos-hil pid {self.pid} on {self.host}, started {when}"


class HolderBook:
    """The records of the runs of one coordinator on this host."""

    def __init__(self, coordinator: str) -> None:
        self.folder = holders_dir(coordinator)

    def _path(self, record: HolderRecord) -> Path:
        return self.folder / f"{record.pid}-{int(record.started)}.json"

    def mine(self) -> HolderRecord:
        return HolderRecord(os.getpid(), socket.gethostname(), time.time())

    def save(self, record: HolderRecord) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(record)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(record)), encoding="utf-8")
        temporary.replace(path)

    def remove(self, record: HolderRecord) -> None:
        self._path(record).unlink(missing_ok=True)

    def records(self) -> list[HolderRecord]:
        found = []
        for path in sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []:
            try:
                if path.stat().st_size > MAX_RECORD_BYTES:
                    continue
                found.append(HolderRecord(**json.loads(path.read_text(encoding="utf-8"))))
            except (OSError, ValueError, TypeError):
                continue  # a record cut short by a crash says nothing
        return found

    def holder_of(self, place: str) -> HolderRecord | None:
        for record in self.records():
            if place in record.places:
                return record
        return None
