"""The emulated device's hilog ring buffer (what `hilog`, `hilog -x` and `hilog -r` read)."""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

LEVELS = "DIWEF"


@dataclass(frozen=True)
class LogEntry:
    time: float
    pid: int
    tid: int
    level: str
    domain: int
    tag: str
    message: str

    def format(self) -> str:
        """hilog's default line format."""
        stamp = time.strftime("%m-%d %H:%M:%S", time.localtime(self.time))
        millis = int((self.time % 1) * 1000)
        return (
            f"{stamp}.{millis:03d} {self.pid:>5} {self.tid:>5} {self.level} "
            f"C{self.domain & 0xFFFFF:05X}/{self.tag}: {self.message}"
        )


@dataclass
class PersistTask:
    """One `hilog -w start` task: what it stores, where, how big and how many files."""

    job_id: int
    types: str
    compress: str
    path: str
    file_size: int
    file_num: int


class Hilog:
    """A bounded log buffer with live subscribers; entries are stamped with the device's clock."""

    def __init__(self, capacity: int = 20_000, now: Callable[[], float] = time.time) -> None:
        self._now = now
        self._entries: deque[LogEntry] = deque(maxlen=capacity)
        self._subscribers: list[queue.Queue[LogEntry]] = []
        self._lock = threading.Lock()
        self.persist_tasks: list[PersistTask] = []

    def write(
        self,
        tag: str,
        message: str,
        *,
        level: str = "I",
        domain: int = 0xD001600,
        pid: int = 1,
        tid: int | None = None,
    ) -> None:
        entry = LogEntry(self._now(), pid, tid if tid is not None else pid, level, domain, tag, message)
        with self._lock:
            self._entries.append(entry)
            for subscriber in self._subscribers:
                subscriber.put(entry)

    def entries(self) -> list[LogEntry]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def subscribe(self) -> queue.Queue[LogEntry]:
        """A queue that receives every entry written from now on; pass it to :meth:`unsubscribe`."""
        return self.subscribe_with_backlog()[1]

    def subscribe_with_backlog(self) -> tuple[list[LogEntry], queue.Queue[LogEntry]]:
        """The buffer as it is now and a queue of every later entry, with no gap or overlap."""
        subscriber: queue.Queue[LogEntry] = queue.Queue()
        with self._lock:
            self._subscribers.append(subscriber)
            return list(self._entries), subscriber

    def unsubscribe(self, subscriber: queue.Queue[LogEntry]) -> None:
        with self._lock:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)
