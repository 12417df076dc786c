"""A device's lease on this host: an OS file lock per device id, so that two runs never share a device.

``<lease dir>/<device id>.lease`` is locked with ``flock`` for as long as a process uses the device,
and holds ``{pid, host, start}`` of that process. The kernel drops the lock when its holder dies,
however it dies; a holder that ended cleanly empties the file first. So a file that is unlocked but
still names a holder was left by a process that died holding the device: the next one takes it over
(and must restore what that one left in the device's restore journal before using it).
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from harness.errors import LeaseError

POLL_INTERVAL = 0.1
HOLDER_LIMIT = 4096  # bytes of a lease file that are read


@dataclass(frozen=True)
class LeaseHolder:
    """Who holds (or held) a lease."""

    pid: int
    host: str
    start: float

    def describe(self) -> str:
        since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.start))
        return f"pid {self.pid} on {self.host}, since {since}"


def _read_holder(handle: IO[str]) -> LeaseHolder | None:
    handle.seek(0)
    try:
        fields: Any = json.loads(handle.read(HOLDER_LIMIT) or "null")
        return LeaseHolder(int(fields["pid"]), str(fields["host"]), float(fields["start"]))
    except (ValueError, TypeError, KeyError):  # empty (released cleanly) or not ours
        return None


class DeviceLease:
    """The lease of one device id, taken with :meth:`acquire` and given back with :meth:`release`."""

    def __init__(self, lease_dir: Path, device_id: str) -> None:
        self.device_id = device_id
        self.path = lease_dir / f"{device_id}.lease"
        self._handle: IO[str] | None = None
        self.taken_over: LeaseHolder | None = None
        """The dead process this lease was taken from (its conditions may still be set)."""

    def acquire(self, timeout: float) -> None:
        """Take the lease, waiting up to ``timeout`` s for its holder; a LeaseError names the holder."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _read_holder(handle)
                    handle.close()
                    who = holder.describe() if holder else "a process that has not written its name yet"
                    raise LeaseError(
                        f"device {self.device_id} is leased by {who} (lease {self.path}); "
                        f"waited {timeout:g} s (--lease-timeout)"
                    ) from None
                time.sleep(POLL_INTERVAL)
        self.taken_over = _read_holder(handle)
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "start": time.time()}))
        handle.flush()
        os.fsync(handle.fileno())
        self._handle = handle

    def release(self) -> None:
        """Give the lease back: the file is emptied (a clean end), then unlocked."""
        if self._handle is None:
            return
        self._handle.seek(0)
        self._handle.truncate()
        self._handle.flush()
        fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
        self._handle.close()
        self._handle = None
