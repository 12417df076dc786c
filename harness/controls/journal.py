"""The restore journal: an undo step is on the host's disk before the change it undoes is made.

One JSON-lines file per device. ``add`` appends an entry and fsyncs it; ``resolve`` appends a
``done`` marker once the undo has run. Entries without a marker are *pending*: teardown runs them,
and a run that finds pending entries left by a crashed run runs them first. When nothing is pending
the file is emptied.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import ConfigError


@dataclass(frozen=True)
class JournalEntry:
    """An undo step: what kind of change, what undoes it, when it was recorded."""

    id: str
    kind: str
    undo: dict[str, Any]
    created: float


class RestoreJournal:
    """Append-only undo records for one device."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)

    def _append(self, record: dict[str, Any]) -> None:
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, sort_keys=True) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def add(self, kind: str, undo: dict[str, Any]) -> JournalEntry:
        entry = JournalEntry(uuid.uuid4().hex[:12], kind, undo, time.time())
        with self._lock:
            self._append({"id": entry.id, "kind": kind, "undo": undo, "created": entry.created})
        return entry

    def resolve(self, entry: JournalEntry) -> None:
        with self._lock:
            self._append({"done": entry.id})
            if not self._pending_unlocked():
                self.path.write_text("", encoding="utf-8")

    def pending(self) -> list[JournalEntry]:
        """Entries not yet undone, oldest first."""
        with self._lock:
            return self._pending_unlocked()

    def _pending_unlocked(self) -> list[JournalEntry]:
        if not self.path.exists():
            return []
        entries: dict[str, JournalEntry] = {}
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if "done" in record:
                    entries.pop(record["done"], None)
                else:
                    entries[record["id"]] = JournalEntry(
                        record["id"], record["kind"], record["undo"], record["created"]
                    )
            except (ValueError, KeyError, TypeError) as exc:
                raise ConfigError(f"{self.path}:{number}: unreadable restore journal line ({exc})") from exc
        return list(entries.values())
